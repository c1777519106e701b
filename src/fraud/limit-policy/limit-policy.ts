/**
 * How far a card's own limits are trusted, by its history: a new card may spend `startPercent` of
 * its limits, rising evenly to all of them after `fullAfterSettledPayments` settled payments
 * without a fraud flag; a card whose risk score reached `elevatedScore` within the last
 * `elevatedForHours` drops back to `startPercent`.
 */
export interface LimitPolicy {
  enabled: boolean;
  startPercent: number;
  fullAfterSettledPayments: number;
  elevatedScore: number;
  elevatedForHours: number;
}

export const DEFAULT_LIMIT_POLICY: LimitPolicy = { enabled: false, startPercent: 30, fullAfterSettledPayments: 10, elevatedScore: 65, elevatedForHours: 24 };

/** What the policy reads of a card: settled payments since its last fraud flag, and its last elevated score. */
export interface CardHistory {
  settled: number;
  elevatedAt?: number;
}

/** The share (0–1] of its limits the card may use now. */
export function limitShare(policy: LimitPolicy, history: CardHistory, now: number): number {
  if (!policy.enabled) return 1;
  const start = policy.startPercent / 100;
  if (history.elevatedAt !== undefined && now - history.elevatedAt < policy.elevatedForHours * 3_600_000) return start;
  const ramp = policy.fullAfterSettledPayments === 0 ? 1 : Math.min(1, history.settled / policy.fullAfterSettledPayments);
  return start + (1 - start) * ramp;
}

export interface EffectiveLimits {
  dailyLimit: number;
  singleTransactionLimit: number;
  /** Percent of the card's own limits in force. */
  percent: number;
}

export function effectiveLimits(limits: { dailyLimit: number; singleTransactionLimit: number }, share: number): EffectiveLimits {
  if (share >= 1) return { dailyLimit: limits.dailyLimit, singleTransactionLimit: limits.singleTransactionLimit, percent: 100 };
  return { dailyLimit: Math.max(1, Math.floor(limits.dailyLimit * share)), singleTransactionLimit: Math.max(1, Math.floor(limits.singleTransactionLimit * share)), percent: Math.round(share * 100) };
}
