import { randomUUID } from 'node:crypto';
import type Redis from 'ioredis';
import { Clock, systemClock } from '../clock';
import { SettlementError } from './settlement.error';

export interface WalletLease {
  /** How long the lease is certainly still ours (by the injected clock). */
  remainingMs(): number;
  /** Restarts the lease's full term if it is still ours; false if it lapsed (someone may hold it now). */
  renew(): Promise<boolean>;
  release(): Promise<void>;
}

export interface WalletLeaseOptions {
  ttlMs?: number;
  waitTimeoutMs?: number;
  clock?: Clock;
}

// Deletes the lease only if it is still the caller's: an expired lease may belong to someone else now.
const RELEASE_IF_MINE = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0`;

// Extends the lease only if it is still the caller's.
const RENEW_IF_MINE = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
return 0`;

type LeaseRedis = Redis & {
  releaseWalletLease(key: string, token: string): Promise<number>;
  renewWalletLease(key: string, token: string, ttlMs: number): Promise<number>;
};

/**
 * One settlement at a time per wallet, across all app instances, surviving crashes: a lease is a
 * Redis key set with NX and an expiry, so a dead holder's lease lapses on its own. Redis makes
 * the claim atomic (FerretDB's conditional updates are not) and costs one round trip. Callers in
 * the same process queue in memory first, so only instances compete through Redis.
 */
export class WalletLeases {
  private readonly local = new Map<string, Promise<void>>();
  private readonly ttlMs: number;
  private readonly waitTimeoutMs: number;
  private readonly clock: Clock;

  constructor(
    private readonly redis: Redis,
    options: WalletLeaseOptions = {},
  ) {
    this.ttlMs = options.ttlMs ?? 30_000;
    this.waitTimeoutMs = options.waitTimeoutMs ?? 60_000;
    this.clock = options.clock ?? systemClock;
    if (!('releaseWalletLease' in redis)) redis.defineCommand('releaseWalletLease', { numberOfKeys: 1, lua: RELEASE_IF_MINE });
    if (!('renewWalletLease' in redis)) redis.defineCommand('renewWalletLease', { numberOfKeys: 1, lua: RENEW_IF_MINE });
  }

  async acquire(wallet: string): Promise<WalletLease> {
    const previous = this.local.get(wallet) ?? Promise.resolve();
    let done!: () => void;
    const mine = new Promise<void>((resolve) => (done = resolve));
    const tail = previous.then(() => mine);
    this.local.set(wallet, tail);
    const leaveQueue = () => {
      done();
      if (this.local.get(wallet) === tail) this.local.delete(wallet);
    };
    try {
      await previous;
      const lease = await this.acquireShared(wallet);
      return {
        remainingMs: lease.remainingMs,
        renew: lease.renew,
        release: async () => {
          try {
            await lease.release();
          } finally {
            leaveQueue();
          }
        },
      };
    } catch (error) {
      leaveQueue();
      throw error;
    }
  }

  /** The lease if `resource` is free right now, else null; for picking any free one of many. */
  async tryAcquire(resource: string): Promise<WalletLease | null> {
    if (this.local.has(resource)) return null;
    return this.claim(resource);
  }

  private async acquireShared(wallet: string): Promise<WalletLease> {
    const deadline = this.clock.now() + this.waitTimeoutMs;
    for (let delay = 2; ; delay = Math.min(delay * 2, 100)) {
      const lease = await this.claim(wallet);
      if (lease) return lease;
      if (this.clock.now() >= deadline) throw new SettlementError('WALLET_BUSY', `wallet ${wallet} is busy with another settlement`);
      await new Promise((resolve) => setTimeout(resolve, delay));
    }
  }

  private async claim(resource: string): Promise<WalletLease | null> {
    const key = `wallet-lease:${resource}`;
    const token = randomUUID();
    const askedAt = this.clock.now();
    if ((await this.redis.set(key, token, 'PX', this.ttlMs, 'NX')) !== 'OK') return null;
    // Counted from before the request: the key may have been set at any moment after it.
    let expiresAt = askedAt + this.ttlMs;
    return {
      remainingMs: () => expiresAt - this.clock.now(),
      renew: async () => {
        const renewedAt = this.clock.now();
        if ((await (this.redis as LeaseRedis).renewWalletLease(key, token, this.ttlMs)) !== 1) return false;
        expiresAt = renewedAt + this.ttlMs;
        return true;
      },
      release: async () => void (await (this.redis as LeaseRedis).releaseWalletLease(key, token).catch(() => 0)),
    };
  }
}
