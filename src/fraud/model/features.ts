import { COUNTER_LIMITS } from '../counters/fraud-keys';
import type { FraudFeatures } from '../fraud.types';

/**
 * The model's inputs, computed once per assessment from what the counters already hold (the same
 * read the rules use), the card and merchant documents, and the payment itself. Counts are of
 * earlier payments.
 */
export const FEATURE_NAMES = [
  'log_amount',
  'amount_vs_typical',
  'no_history',
  'log_amount_if_new',
  'taps_last_minute',
  'taps_last_hour',
  'log_minutes_since_last_tap',
  'distinct_terminals_10m',
  'distinct_merchants_10m',
  'first_use_at_terminal',
  'card_declines_recent',
  'terminal_declined_cards',
  'log_card_age_days',
  'night',
  'mcc_high_risk',
  'listed',
] as const;
export type FeatureName = (typeof FEATURE_NAMES)[number];

export interface ModelInput {
  amount: number;
  /** Epoch ms of the tap. */
  at: number;
  /** Epoch ms the card was registered; unknown counts as a card a year old. */
  cardIssuedAt?: number;
  /** The merchant's category; unknown counts as the default (5999, not high risk). */
  mcc?: string;
}

/**
 * Categories where stolen cards are spent and tested: goods that resell (electronics, jewellery),
 * digital goods and games, money transfer, quasi-cash and gambling.
 */
export const HIGH_RISK_MCCS: ReadonlySet<string> = new Set(['4829', '5732', '5816', '5944', '6051', '7995']);

const MINUTE_MS = 60_000;
const DAY_MS = 86_400_000;
/** A card with no approved tap in the kept terminal history: as if its last tap were that long ago. */
const NO_LAST_TAP_MINUTES = COUNTER_LIMITS.terminalHistoryMs / MINUTE_MS;
const UNKNOWN_CARD_AGE_DAYS = 365;

export function modelFeatures(input: ModelInput, f: FraudFeatures): number[] {
  const typical = median(f.recentAmounts);
  const sinceLastTap = f.lastApprovedAt === null ? NO_LAST_TAP_MINUTES : Math.max(0, input.at - f.lastApprovedAt) / MINUTE_MS;
  const cardAgeDays = input.cardIssuedAt === undefined ? UNKNOWN_CARD_AGE_DAYS : Math.max(0, input.at - input.cardIssuedAt) / DAY_MS;
  return [
    Math.log10(input.amount + 1),
    typical ? Math.log(input.amount / typical) : 0,
    f.recentAmounts.length === 0 ? 1 : 0,
    // A large amount means more on a card without history (a linear model needs the product).
    f.recentAmounts.length === 0 ? Math.log10(input.amount + 1) : 0,
    f.cardApprovedLastMinute,
    Math.log1p(f.cardApprovedLastHour),
    Math.log1p(sinceLastTap),
    f.recentTerminals.length,
    f.recentMerchants.length,
    f.terminalSeenBefore ? 0 : 1,
    f.cardDeclines,
    f.terminalDeclinedCards,
    Math.log1p(cardAgeDays),
    // Hours 0–5 UTC+7 (the programme's home time zone): when cardholders rarely pay.
    ((new Date(input.at).getUTCHours() + 7) % 24) < 6 ? 1 : 0,
    input.mcc !== undefined && HIGH_RISK_MCCS.has(input.mcc) ? 1 : 0,
    f.listed.card || f.listed.terminal || f.listed.merchant ? 1 : 0,
  ];
}

/** The features by name, as stored on an assessment (and copied into its label) for training. */
export function namedFeatures(x: number[]): Record<string, number> {
  return Object.fromEntries(FEATURE_NAMES.map((name, i) => [name, round(x[i])]));
}

function median(values: number[]): number {
  if (!values.length) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

const round = (v: number) => Math.round(v * 1e6) / 1e6;
