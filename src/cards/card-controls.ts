import { BadRequestException } from '@nestjs/common';

export const SPENDING_INTERVALS = ['per_authorization', 'daily', 'weekly', 'monthly', 'all_time'] as const;
export type SpendingInterval = (typeof SPENDING_INTERVALS)[number];

/** At most `amount` (minor units) and `count` payments per `interval`, at merchants of `categories` (all when absent). */
export interface SpendingLimit {
  amount?: number;
  count?: number;
  interval: SpendingInterval;
  categories?: string[];
}

export interface SpendingControls {
  spendingLimits: SpendingLimit[];
  blockedCategories?: string[];
}

/** What the legacy fields and the stored controls of a card are. */
export interface StoredControls {
  dailyLimit: number;
  singleTransactionLimit: number;
  spendingLimits?: SpendingLimit[];
  blockedCategories?: string[];
}

/**
 * One limit enforced at accept: the strictest amount and count of all controls and caps over the
 * same interval and categories. Its `scope` names its spend chain, so changing an amount keeps
 * what was spent in the window.
 */
export interface EnforcedLimit {
  scope: string;
  interval: SpendingInterval;
  categories: string[];
  amount?: number;
  count?: number;
}

/** The card's controls as clients see them: the daily and single-payment limits are two of them. */
export function controlsOf(card: StoredControls): Required<SpendingControls> {
  return {
    spendingLimits: [{ amount: card.singleTransactionLimit, interval: 'per_authorization' }, { amount: card.dailyLimit, interval: 'daily' }, ...(card.spendingLimits ?? [])],
    blockedCategories: card.blockedCategories ?? [],
  };
}

const isLegacy = (limit: SpendingLimit, interval: SpendingInterval) =>
  limit.interval === interval && limit.amount !== undefined && limit.count === undefined && !limit.categories?.length;

/**
 * Splits controls written by a client into the legacy fields and the rest: the first plain amount
 * limit per authorization and per day are `singleTransactionLimit` and `dailyLimit` (which stay as
 * they were when the list has none).
 */
export function storedFrom(controls: SpendingControls, current: StoredControls): StoredControls {
  const single = controls.spendingLimits.find((l) => isLegacy(l, 'per_authorization'));
  const daily = controls.spendingLimits.find((l) => isLegacy(l, 'daily'));
  return {
    singleTransactionLimit: single?.amount ?? current.singleTransactionLimit,
    dailyLimit: daily?.amount ?? current.dailyLimit,
    spendingLimits: controls.spendingLimits.filter((l) => l !== single && l !== daily).map(normalized),
    blockedCategories: [...new Set(controls.blockedCategories ?? [])].sort(),
  };
}

export function normalized(limit: SpendingLimit): SpendingLimit {
  return {
    interval: limit.interval,
    ...(limit.amount !== undefined && { amount: limit.amount }),
    ...(limit.count !== undefined && { count: limit.count }),
    ...(limit.categories?.length && { categories: [...new Set(limit.categories)].sort() }),
  };
}

/** A cap bounds a control over the same interval whose categories it covers. */
function covers(cap: SpendingLimit, limit: SpendingLimit): boolean {
  if (cap.interval !== limit.interval) return false;
  if (!cap.categories?.length) return true;
  return !!limit.categories?.length && limit.categories.every((c) => cap.categories!.includes(c));
}

/** 400 naming the cap when a control is above an admin's cap (caps are enforced anyway: this tells the client). */
export function assertWithinCaps(limits: Array<{ field: string; limit: SpendingLimit }>, caps: SpendingLimit[]): void {
  for (const { field, limit } of limits) {
    for (const cap of caps.filter((c) => covers(c, limit))) {
      const over = (['amount', 'count'] as const).find((k) => cap[k] !== undefined && limit[k] !== undefined && limit[k] > cap[k]);
      if (!over) continue;
      const scope = cap.categories?.length ? ` at categories ${cap.categories.join(',')}` : '';
      const message = `${field}.${over} ${limit[over]} is above the ${cap.interval} cap of ${cap[over]}${scope} set by an administrator`;
      throw new BadRequestException({ message, details: [{ field: `${field}.${over}`, errors: [message] }] });
    }
  }
}

/** Every control and cap in force, grouped by interval and categories, strictest first. */
export function enforcedLimits(card: StoredControls & { caps?: SpendingLimit[] }): EnforcedLimit[] {
  const byScope = new Map<string, EnforcedLimit>();
  for (const limit of [...(card.spendingLimits ?? []), ...(card.caps ?? [])].map(normalized)) {
    const categories = limit.categories ?? [];
    const scope = `${limit.interval}:${categories.join(',')}`;
    const known = byScope.get(scope) ?? { scope, interval: limit.interval, categories };
    byScope.set(scope, { ...known, amount: min(known.amount, limit.amount), count: min(known.count, limit.count) });
  }
  return [...byScope.values()].sort((a, b) => a.scope.localeCompare(b.scope));
}

export const appliesAt = (limit: { categories: string[] }, mcc: string) => !limit.categories.length || limit.categories.includes(mcc);

function min(a: number | undefined, b: number | undefined): number | undefined {
  if (a === undefined) return b;
  if (b === undefined) return a;
  return Math.min(a, b);
}
