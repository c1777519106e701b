/**
 * What a rollup bucket holds and how facts add up into it. Pure functions: the folder applies
 * facts to minute buckets and sums minutes into hours and hours into days with `merge`.
 */
export type FactKind = 'accepted' | 'declined' | 'completed' | 'failed' | 'cancelled' | 'refund';

/** One state change of one payment (or one refund), as recorded once: `_id` is `<transactionId>:<kind>[:<refundId>]`. */
export interface Fact {
  _id: string;
  kind: FactKind;
  merchantId: string;
  terminalId?: string;
  amount: number;
  /** The time the fact counts at: the tap for a payment's facts, the refund's own time for a refund. */
  at: Date;
  declineCode?: string;
  latencyMs?: number;
}

export interface TerminalMeasures {
  count: number;
  approved: number;
  declined: number;
  volume: number;
}

export interface Measures {
  count: number;
  approved: number;
  declined: number;
  volume: number;
  declineReasons: Record<string, number>;
  refundCount: number;
  refundAmount: number;
  completed: number;
  completedAmount: number;
  failed: number;
  failedAmount: number;
  cancelled: number;
  cancelledAmount: number;
  /** Settlement latency histogram: bin index (see latencyBin) → payments. */
  latency: Record<string, number>;
  terminals: Record<string, TerminalMeasures>;
}

export const emptyMeasures = (): Measures => ({
  count: 0,
  approved: 0,
  declined: 0,
  volume: 0,
  declineReasons: {},
  refundCount: 0,
  refundAmount: 0,
  completed: 0,
  completedAmount: 0,
  failed: 0,
  failedAmount: 0,
  cancelled: 0,
  cancelledAmount: 0,
  latency: {},
  terminals: {},
});

/** Bins grow by 10%: a percentile read from the histogram is the upper bound of the bin holding it, at most 10% above the true value. */
const GROWTH = 1.1;

export function latencyBin(ms: number): number {
  return ms <= 1 ? 0 : Math.ceil(Math.log(ms) / Math.log(GROWTH) - 1e-9);
}

export const binUpperMs = (bin: number) => Math.round(GROWTH ** bin);

/** Nearest-rank percentile over a histogram; null when it is empty. */
export function percentile(latency: Record<string, number>, p: number): number | null {
  const bins = Object.entries(latency).map(([bin, n]) => [Number(bin), n] as const).sort((a, b) => a[0] - b[0]);
  const total = bins.reduce((sum, [, n]) => sum + n, 0);
  if (!total) return null;
  const rank = Math.max(1, Math.ceil(p * total));
  let seen = 0;
  for (const [bin, n] of bins) {
    seen += n;
    if (seen >= rank) return binUpperMs(bin);
  }
  return null;
}

/** Mongo keys may not hold `.` or start with `$`: terminal ids and codes are escaped before they become keys. */
export const safeKey = (key: string) => key.replace(/[.$%]/g, (c) => `%${c.charCodeAt(0).toString(16)}`);
export const unsafeKey = (key: string) => key.replace(/%([0-9a-f]{2})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));

const bump = (map: Record<string, number>, key: string, by = 1) => {
  map[key] = (map[key] ?? 0) + by;
};

function terminal(m: Measures, terminalId: string | undefined): TerminalMeasures | undefined {
  if (!terminalId) return undefined;
  const key = safeKey(terminalId);
  return (m.terminals[key] ??= { count: 0, approved: 0, declined: 0, volume: 0 });
}

/** Adds one fact to a bucket (in place). */
export function applyFact(m: Measures, fact: Fact): void {
  switch (fact.kind) {
    case 'accepted': {
      m.count++, m.approved++, (m.volume += fact.amount);
      const t = terminal(m, fact.terminalId);
      if (t) t.count++, t.approved++, (t.volume += fact.amount);
      return;
    }
    case 'declined': {
      m.count++, m.declined++;
      bump(m.declineReasons, safeKey(fact.declineCode ?? 'unknown'));
      const t = terminal(m, fact.terminalId);
      if (t) t.count++, t.declined++;
      return;
    }
    case 'completed':
      m.completed++, (m.completedAmount += fact.amount);
      if (fact.latencyMs !== undefined) bump(m.latency, String(latencyBin(fact.latencyMs)));
      return;
    case 'failed':
      m.failed++, (m.failedAmount += fact.amount);
      return;
    case 'cancelled':
      m.cancelled++, (m.cancelledAmount += fact.amount);
      return;
    case 'refund':
      m.refundCount++, (m.refundAmount += fact.amount);
      return;
  }
}

const NUMBERS = ['count', 'approved', 'declined', 'volume', 'refundCount', 'refundAmount', 'completed', 'completedAmount', 'failed', 'failedAmount', 'cancelled', 'cancelledAmount'] as const;

/** Adds `from` into `into` (in place). */
export function merge(into: Measures, from: Measures): Measures {
  // A stored bucket may lack the empty maps (Mongo drops empty objects).
  for (const key of NUMBERS) into[key] += from[key] ?? 0;
  for (const [code, n] of Object.entries(from.declineReasons ?? {})) bump(into.declineReasons, code, n);
  for (const [bin, n] of Object.entries(from.latency ?? {})) bump(into.latency, bin, n);
  for (const [id, t] of Object.entries(from.terminals ?? {})) {
    const mine = (into.terminals[id] ??= { count: 0, approved: 0, declined: 0, volume: 0 });
    mine.count += t.count, mine.approved += t.approved, mine.declined += t.declined, (mine.volume += t.volume);
  }
  return into;
}
