/** Time buckets in UTC: minute buckets hold facts, hours are summed from minutes, days from hours. */
export type Level = 'minute' | 'hour' | 'day';

export const LEVEL_MS: Record<Level, number> = { minute: 60_000, hour: 3_600_000, day: 86_400_000 };
const COARSER: Record<Level, Level | undefined> = { minute: 'hour', hour: 'day', day: undefined };
const FINER: Record<Level, Level | undefined> = { minute: undefined, hour: 'minute', day: 'hour' };

export const floorTo = (ms: number, level: Level) => Math.floor(ms / LEVEL_MS[level]) * LEVEL_MS[level];
export const isAligned = (ms: number, level: Level) => ms % LEVEL_MS[level] === 0;
export const coarser = (level: Level) => COARSER[level];
export const finer = (level: Level) => FINER[level];

/** `all` (every merchant) or `m:<merchantId>`. */
export const merchantScope = (merchantId: string) => `m:${merchantId}`;
export const ALL = 'all';

export const rollupId = (scope: string, level: Level, start: number) => `${scope}|${level}|${new Date(start).toISOString()}`;

/** The buckets a coarser bucket is the sum of. */
export function children(level: Level, start: number): number[] {
  const child = FINER[level]!;
  const n = LEVEL_MS[level] / LEVEL_MS[child];
  return Array.from({ length: n }, (_, i) => start + i * LEVEL_MS[child]);
}

/**
 * The fewest whole buckets that tile [from, to) (both on minute boundaries): days where a whole
 * day fits, hours where an hour does, minutes at the edges — at most 118 + one per day.
 */
export function cover(from: number, to: number): Array<{ level: Level; start: number }> {
  const pieces: Array<{ level: Level; start: number }> = [];
  for (let t = from; t < to; ) {
    const level = (['day', 'hour', 'minute'] as const).find((l) => isAligned(t, l) && t + LEVEL_MS[l] <= to)!;
    pieces.push({ level, start: t });
    t += LEVEL_MS[level];
  }
  return pieces;
}
