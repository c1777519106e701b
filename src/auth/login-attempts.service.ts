import { Inject, Injectable, Logger } from '@nestjs/common';
import { normalizeIp } from '@nestjs/throttler';
import { createHash } from 'node:crypto';
import type Redis from 'ioredis';
import { REDIS_CLIENT } from '../redis/redis.constants';

const WINDOW_SECONDS = 15 * 60;
/** Failures from one address that lock the email for that address until the window ends. */
const MAX_FAILURES_PER_ADDRESS = 5;
/** Failures from all addresses together beyond which each further one makes the email back off. */
const ACCOUNT_BACKOFF_AFTER = 20;
const MAX_BACKOFF_MS = 60_000;
/** An address the account logged in from successfully is trusted this long, backoff or not. */
const KNOWN_ADDRESS_SECONDS = 30 * 24 * 3600;

/**
 * Counts failed logins in Redis, per email whether or not an account exists, so a lockout says
 * nothing about existence. The lock is per (email, address): five failures lock that address out
 * of that email for the window, and nobody else. Failures from all addresses together only make
 * the email back off (one attempt per up to a minute from addresses it never logged in from), so
 * a distributed guesser is slowed while the owner, from an address they used before, still gets
 * in — nobody can lock anyone out, the admin included.
 */
@Injectable()
export class LoginAttemptsService {
  private readonly logger = new Logger(LoginAttemptsService.name);

  constructor(@Inject(REDIS_CLIENT) private readonly redis: Redis) {}

  /** Seconds this address must wait before trying this email again, or 0 when it may try. */
  async lockedForSeconds(email: string, address: string): Promise<number> {
    const keys = keysOf(email, address);
    try {
      const [failures, ttl, backoffMs, known] = await this.redis
        .multi()
        .get(keys.pair)
        .ttl(keys.pair)
        .pttl(keys.backoff)
        .sismember(keys.known, keys.address)
        .exec()
        .then((replies) => replies!.map(([, value]) => value));
      if (Number(failures ?? 0) >= MAX_FAILURES_PER_ADDRESS) return Math.max(Number(ttl), 1);
      if (Number(backoffMs) > 0 && Number(known) !== 1) return Math.ceil(Number(backoffMs) / 1000);
      return 0;
    } catch (error) {
      // Without Redis we cannot count; logins go on rather than every user being locked out.
      this.logger.warn(`login lockout unavailable: ${(error as Error).message}`);
      return 0;
    }
  }

  async recordFailure(email: string, address: string): Promise<void> {
    const keys = keysOf(email, address);
    try {
      const replies = await this.redis
        .multi()
        .incr(keys.pair)
        .expire(keys.pair, WINDOW_SECONDS, 'NX')
        .incr(keys.account)
        .expire(keys.account, WINDOW_SECONDS, 'NX')
        .exec();
      const accountFailures = Number(replies?.[2]?.[1] ?? 0);
      if (accountFailures > ACCOUNT_BACKOFF_AFTER) await this.redis.set(keys.backoff, '1', 'PX', backoffMs(accountFailures));
    } catch (error) {
      this.logger.warn(`could not count a failed login: ${(error as Error).message}`);
    }
  }

  /** After a successful login: that address starts afresh and is trusted through a backoff. */
  async recordSuccess(email: string, address: string): Promise<void> {
    const keys = keysOf(email, address);
    await this.redis
      .multi()
      .del(keys.pair)
      .sadd(keys.known, keys.address)
      .expire(keys.known, KNOWN_ADDRESS_SECONDS)
      .exec()
      .catch(() => undefined);
  }
}

/** 5 s after the first failure beyond the threshold, doubling up to a minute. */
function backoffMs(accountFailures: number): number {
  return Math.min(5_000 * 2 ** Math.min(accountFailures - ACCOUNT_BACKOFF_AFTER - 1, 16), MAX_BACKOFF_MS);
}

function keysOf(email: string, rawAddress: string) {
  const account = digest(email);
  // An IPv6 client usually holds a whole /64: it counts as one address.
  const address = digest(normalizeIp(rawAddress || 'unknown'));
  return {
    address,
    pair: `login-failures:${account}:${address}`,
    account: `login-failures:${account}`,
    backoff: `login-backoff:${account}`,
    known: `login-known:${account}`,
  };
}

const digest = (value: string) => createHash('sha256').update(value).digest('hex').slice(0, 32);
