import type { FraudFeatures } from '../fraud.types';

/**
 * The model's inputs, computed once per assessment from what the counters already hold (the same
 * read the rules use) and the payment itself. Counts are of earlier payments.
 */
export const FEATURE_NAMES = [
  'log_amount',
  'amount_vs_typical',
  'no_history',
  'log_amount_if_new',
  'taps_last_minute',
  'taps_last_hour',
  'distinct_terminals_10m',
  'distinct_merchants_10m',
  'first_use_at_terminal',
  'card_declines_recent',
  'terminal_declined_cards',
  'night',
  'listed',
] as const;
export type FeatureName = (typeof FEATURE_NAMES)[number];

export interface ModelInput {
  amount: number;
  /** Epoch ms of the tap. */
  at: number;
}

export function modelFeatures(input: ModelInput, f: FraudFeatures): number[] {
  const typical = median(f.recentAmounts);
  return [
    Math.log10(input.amount + 1),
    typical ? Math.log(input.amount / typical) : 0,
    f.recentAmounts.length === 0 ? 1 : 0,
    // A large amount means more on a card without history (a linear model needs the product).
    f.recentAmounts.length === 0 ? Math.log10(input.amount + 1) : 0,
    f.cardApprovedLastMinute,
    Math.log1p(f.cardApprovedLastHour),
    f.recentTerminals.length,
    f.recentMerchants.length,
    f.terminalSeenBefore ? 0 : 1,
    f.cardDeclines,
    f.terminalDeclinedCards,
    // Hours 0–5 UTC+7 (the programme's home time zone): when cardholders rarely pay.
    ((new Date(input.at).getUTCHours() + 7) % 24) < 6 ? 1 : 0,
    f.listed.card || f.listed.terminal || f.listed.merchant ? 1 : 0,
  ];
}

function median(values: number[]): number {
  if (!values.length) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}
