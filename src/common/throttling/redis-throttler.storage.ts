import { withTimeout } from '../time/with-timeout';
import { Logger } from '@nestjs/common';
import type { ThrottlerStorage } from '@nestjs/throttler';
import type Redis from 'ioredis';

/**
 * One round trip per check: count the hit in a fixed window and, once the limit is passed, block
 * the key for `blockDuration`. KEYS: hits, block. ARGV: ttl ms, limit, block ms.
 * Returns {hits, window ms left, blocked 0/1, block ms left}.
 */
const INCREMENT = `
local blockLeft = redis.call('PTTL', KEYS[2])
if blockLeft > 0 then
  local hits = tonumber(redis.call('GET', KEYS[1]) or '0')
  return {hits, math.max(redis.call('PTTL', KEYS[1]), 0), 1, blockLeft}
end
local hits = redis.call('INCR', KEYS[1])
local windowLeft = redis.call('PTTL', KEYS[1])
if windowLeft < 0 then
  redis.call('PEXPIRE', KEYS[1], ARGV[1])
  windowLeft = tonumber(ARGV[1])
end
if hits > tonumber(ARGV[2]) then
  redis.call('SET', KEYS[2], '1', 'PX', ARGV[3])
  return {hits, windowLeft, 1, tonumber(ARGV[3])}
end
return {hits, windowLeft, 0, 0}`;

type ThrottlerStorageRecord = Awaited<ReturnType<ThrottlerStorage['increment']>>;
type WithIncrement = Redis & { throttleIncrement(hits: string, block: string, ttlMs: number, limit: number, blockMs: number): Promise<number[]> };

const OPEN: ThrottlerStorageRecord = { totalHits: 0, timeToExpire: 0, isBlocked: false, timeToBlockExpire: 0 };
const WARN_EVERY_MS = 10_000;

/**
 * @nestjs/throttler storage in Redis, so every instance of a deployment shares the counts. Keys go
 * through the app's ioredis client and so carry REDIS_KEY_PREFIX (`<prefix>throttle:<name>:<hash>`).
 *
 * Written here rather than taken from @nest-lab/throttler-storage-redis, whose peer range stops at
 * NestJS 11. When Redis does not answer within `timeoutMs` the request is let through (fail open):
 * a Redis outage must not stop payments; the payment path has its own limits and fraud checks.
 */
export class RedisThrottlerStorage implements ThrottlerStorage {
  private readonly logger = new Logger('Throttling');
  private lastWarning = 0;

  constructor(
    private readonly redis: Redis,
    private readonly timeoutMs = 250,
  ) {
    redis.defineCommand('throttleIncrement', { numberOfKeys: 2, lua: INCREMENT });
  }

  async increment(key: string, ttl: number, limit: number, blockDuration: number): Promise<ThrottlerStorageRecord> {
    try {
      const call = (this.redis as WithIncrement).throttleIncrement(`throttle:${key}`, `throttle:${key}:blocked`, ttl, limit, Math.max(blockDuration, 1));
      const [hits, windowLeft, blocked, blockLeft] = await withTimeout(call, this.timeoutMs);
      return { totalHits: hits, timeToExpire: Math.ceil(windowLeft / 1000), isBlocked: blocked === 1, timeToBlockExpire: Math.ceil(blockLeft / 1000) };
    } catch (error) {
      this.warn(`rate limits not enforced, Redis unavailable: ${(error as Error).message}`);
      return OPEN;
    }
  }

  private warn(message: string): void {
    const now = Date.now();
    if (now - this.lastWarning < WARN_EVERY_MS) return;
    this.lastWarning = now;
    this.logger.warn(message);
  }
}
