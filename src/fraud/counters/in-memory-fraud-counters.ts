import type { FraudRulesConfig } from '../fraud-rules.config';
import type { FraudFeatures } from '../fraud.types';
import { COUNTER_LIMITS as L } from './fraud-keys';
import { type CounterSubject, countedAgainst } from './redis-fraud-counters';

export interface ListSnapshot {
  card: Set<string>;
  terminal: Set<string>;
  merchant: Set<string>;
}

/**
 * The same counters as RedisFraudCounters, in memory, for replaying history in time order
 * (backtests). Windows are (at − window, at], exactly as the Redis reads count them.
 */
export class InMemoryFraudCounters {
  private readonly payments = new Map<string, number[]>();
  private readonly amounts = new Map<string, number[]>();
  private readonly terminals = new Map<string, Map<string, number>>();
  private readonly merchants = new Map<string, Map<string, number>>();
  private readonly declines = new Map<string, number[]>();
  private readonly declinedCards = new Map<string, Map<string, number>>();
  private readonly callerDeclines = new Map<string, number[]>();

  constructor(private readonly lists: ListSnapshot) {}

  read(subject: CounterSubject, at: number, config: FraudRulesConfig): FraudFeatures {
    const { hopping, cardTesting, amountAnomaly } = config.rules;
    const card = subject.cardUuid;
    const count = (times: number[] | undefined, windowMs: number) => (times ?? []).filter((t) => t > at - windowMs && t <= at).length;
    const within = (entries: Map<string, number> | undefined, windowMs: number) =>
      [...(entries ?? new Map<string, number>())].filter(([, t]) => t > at - windowMs && t <= at).map(([name]) => name);
    return {
      cardApprovedLastMinute: count(this.payments.get(card), 60_000),
      cardApprovedLastHour: count(this.payments.get(card), L.hourMs),
      recentAmounts: (this.amounts.get(card) ?? []).slice(0, Math.min(amountAnomaly.historySize, L.amountsKept)),
      recentTerminals: within(this.terminals.get(card), hopping.windowSeconds * 1000).slice(0, L.hoppingReadLimit),
      recentMerchants: within(this.merchants.get(card), hopping.windowSeconds * 1000).slice(0, L.hoppingReadLimit),
      terminalSeenBefore: this.terminals.get(card)?.has(subject.terminalId) ?? false,
      lastApprovedAt: latestUpTo(this.terminals.get(card), at),
      cardDeclines: count(this.declines.get(card), cardTesting.windowSeconds * 1000),
      terminalDeclinedCards: within(this.declinedCards.get(subject.terminalId), cardTesting.windowSeconds * 1000).length,
      callerDeclines: count(this.callerDeclines.get(countedAgainst(subject).caller ?? ''), cardTesting.windowSeconds * 1000),
      listed: {
        card: this.lists.card.has(card),
        terminal: this.lists.terminal.has(subject.terminalId),
        merchant: this.lists.merchant.has(subject.merchantId),
      },
    };
  }

  record(subject: CounterSubject, at: number, approved: boolean): void {
    const card = subject.cardUuid;
    const against = countedAgainst(subject);
    if (approved && against.card) {
      push(this.payments, card, at, L.hourMs, L.paymentsKept);
      const amounts = [subject.amount, ...(this.amounts.get(card) ?? [])].slice(0, L.amountsKept);
      this.amounts.set(card, amounts);
      touch(this.terminals, card, subject.terminalId, at);
      touch(this.merchants, card, subject.merchantId, at);
    } else if (!approved) {
      if (against.card) push(this.declines, card, at, L.dayMs, L.declinesKept);
      if (against.terminal) touch(this.declinedCards, subject.terminalId, card, at);
      if (against.caller) push(this.callerDeclines, against.caller, at, L.dayMs, L.declinesKept);
    }
  }
}

/** The latest time among the entries at or before `at` (a card's terminals hold its last time at each). */
function latestUpTo(entries: Map<string, number> | undefined, at: number): number | null {
  let latest: number | null = null;
  for (const t of entries?.values() ?? []) if (t <= at && (latest === null || t > latest)) latest = t;
  return latest;
}

function push(map: Map<string, number[]>, key: string, at: number, keepMs: number, keep: number): void {
  const times = (map.get(key) ?? []).filter((t) => t > at - keepMs);
  times.push(at);
  map.set(key, times.slice(-keep));
}

function touch(map: Map<string, Map<string, number>>, key: string, member: string, at: number): void {
  const entries = map.get(key) ?? new Map<string, number>();
  entries.set(member, Math.max(at, entries.get(member) ?? at));
  map.set(key, entries);
}
