import { Inject, Injectable, Logger } from '@nestjs/common';
import type Redis from 'ioredis';
import { withRedisTimeout } from '../../fraud/counters/redis-fraud-counters';
import { REDIS_CLIENT } from '../../redis/redis.constants';

const HOUR_MS = 3_600_000;
/** Long: a script that answers late may still have taken the place, so giving up early would let the tap pass uncounted. */
const REDIS_TIMEOUT_MS = 10_000;

/**
 * Atomically, per terminal: forget taps too old to fall in any window still open, answer `held`
 * when this sequence already holds a place (a repeat never counts twice nor is declined because
 * of itself), `over` when holding one would put more than maxTaps taps or maxTotal in the
 * trailing window of this tap or of any held tap captured up to one window after it (a tap
 * forwarded late still counts for the taps captured after it), else hold it (`taken`).
 * The windows ending at or after the tap are swept in capture order with two pointers.
 * KEYS: sorted set of sequences by capture time, hash of their amounts.
 * ARGV: sequence, capturedAt ms, amount, window ms, forget-before ms, maxTaps, maxTotal, ttl ms, range start, range end.
 */
const TAKE = `
local stale = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', '(' .. ARGV[5])
for _, s in ipairs(stale) do
  redis.call('ZREM', KEYS[1], s)
  redis.call('HDEL', KEYS[2], s)
end
if redis.call('ZSCORE', KEYS[1], ARGV[1]) then return 'held' end
local at, amount, window = tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4])
local maxTaps, maxTotal = tonumber(ARGV[6]), tonumber(ARGV[7])
local near = redis.call('ZRANGEBYSCORE', KEYS[1], ARGV[9], ARGV[10], 'WITHSCORES')
local scores, amounts, placed = {}, {}, false
for k = 1, #near, 2 do
  local score = tonumber(near[k + 1])
  if not placed and score > at then
    scores[#scores + 1], amounts[#amounts + 1], placed = at, amount, true
  end
  scores[#scores + 1], amounts[#amounts + 1] = score, tonumber(redis.call('HGET', KEYS[2], near[k]) or '0')
end
if not placed then scores[#scores + 1], amounts[#amounts + 1] = at, amount end
local first, count, total = 1, 0, 0
for last = 1, #scores do
  count, total = count + 1, total + amounts[last]
  while scores[first] < scores[last] - window do
    count, total, first = count - 1, total - amounts[first], first + 1
  end
  if scores[last] >= at and (count > maxTaps or total > maxTotal) then return 'over' end
end
redis.call('ZADD', KEYS[1], ARGV[2], ARGV[1])
redis.call('HSET', KEYS[2], ARGV[1], ARGV[3])
redis.call('PEXPIRE', KEYS[1], ARGV[8])
redis.call('PEXPIRE', KEYS[2], ARGV[8])
return 'taken'
`;

export type CapVerdict = 'taken' | 'held' | 'over' | 'unavailable';

export interface CapTap {
  sequence: number;
  capturedAt: Date;
  amount: number;
}

export interface CapPolicy {
  maxTaps: number;
  maxTotal: number;
  maxAgeHours: number;
}

/**
 * The offline policy's maxTaps and maxTotal over one offline window, per terminal, across every
 * forward: a tap counts the taps accepted offline captured within the trailing maxAgeHours before
 * its own capturedAt, and is accepted only if that stays within the caps for every tap's window it
 * falls in. A Lua script keeps it exact under concurrent forwards, in whatever order they arrive.
 */
@Injectable()
export class OfflineTapCaps {
  private readonly logger = new Logger(OfflineTapCaps.name);

  constructor(@Inject(REDIS_CLIENT) private readonly redis: Redis) {}

  async take(terminalId: string, tap: CapTap, policy: CapPolicy, now: Date): Promise<CapVerdict> {
    const windowMs = policy.maxAgeHours * HOUR_MS;
    const at = tap.capturedAt.getTime();
    // A tap older than maxAgeHours is expired before it gets here, so no window starts before now - 2 windows.
    const forgetBefore = now.getTime() - 2 * windowMs;
    // Not connected: nothing is sent, so nothing can have been taken behind our back.
    if (this.redis.status !== 'ready') return 'unavailable';
    try {
      const verdict = await withRedisTimeout(this.redis.eval(TAKE, 2, ...keysOf(terminalId), tap.sequence, at, tap.amount, windowMs, forgetBefore, policy.maxTaps, policy.maxTotal, 2 * windowMs, at - windowMs, at + windowMs), REDIS_TIMEOUT_MS);
      return verdict as CapVerdict;
    } catch (error) {
      this.logger.warn(`offline caps unavailable: ${(error as Error).message}`);
      return 'unavailable';
    }
  }

  /** Gives back the place of a tap declined after it took one, so a decline does not spend the caps. */
  async release(terminalId: string, sequence: number): Promise<void> {
    const [set, amounts] = keysOf(terminalId);
    try {
      await withRedisTimeout(this.redis.multi().zrem(set, sequence).hdel(amounts, String(sequence)).exec(), REDIS_TIMEOUT_MS);
    } catch (error) {
      this.logger.warn(`offline caps release failed: ${(error as Error).message}`);
    }
  }
}

/** One hash tag so both keys live on one slot. */
const keysOf = (terminalId: string): [string, string] => [`offline:caps:{${terminalId}}:taps`, `offline:caps:{${terminalId}}:amounts`];
