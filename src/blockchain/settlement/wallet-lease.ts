import { randomUUID } from 'node:crypto';
import type { Connection, mongo } from 'mongoose';
import { Clock, systemClock } from '../clock';
import { SettlementError } from './settlement.error';

/** Generation `gen` of a wallet's lease; `_id` = `${wallet}#${gen}`, so each generation is won by exactly one insert. */
interface LeaseDoc {
  _id: string;
  wallet: string;
  gen: number;
  holder: string;
  /** Epoch ms. Expiry is checked by query: FerretDB has no TTL indexes. */
  expiresAt: number;
  released: boolean;
}

export interface WalletLease {
  /** How long the lease is certainly still ours (by the injected clock). */
  remainingMs(): number;
  release(): Promise<void>;
}

export interface WalletLeaseOptions {
  ttlMs?: number;
  waitTimeoutMs?: number;
  clock?: Clock;
  newHolderId?: () => string;
}

const DUPLICATE_KEY = 11000;

/**
 * One settlement at a time per wallet, across all app instances, surviving crashes: a lease
 * expires on its own if its holder dies. Taking a lease inserts the wallet's next generation
 * (a unique `_id`), because inserts are the one thing FerretDB v1 does atomically; a conditional
 * update there is read-then-write and could hand the same lease to two instances. Callers in
 * the same process queue in memory first, so only instances compete through MongoDB.
 */
export class WalletLeases {
  private readonly leases: mongo.Collection<LeaseDoc>;
  private readonly local = new Map<string, Promise<void>>();
  private readonly ttlMs: number;
  private readonly waitTimeoutMs: number;
  private readonly clock: Clock;
  private readonly newHolderId: () => string;

  constructor(connection: Connection, options: WalletLeaseOptions = {}) {
    this.leases = connection.collection<LeaseDoc>('wallet_leases') as unknown as mongo.Collection<LeaseDoc>;
    this.ttlMs = options.ttlMs ?? 30_000;
    this.waitTimeoutMs = options.waitTimeoutMs ?? 60_000;
    this.clock = options.clock ?? systemClock;
    this.newHolderId = options.newHolderId ?? randomUUID;
  }

  async ensureIndexes(): Promise<void> {
    await this.leases.createIndex({ wallet: 1, gen: -1 });
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

  private async acquireShared(wallet: string): Promise<WalletLease> {
    const holder = this.newHolderId();
    const deadline = this.clock.now() + this.waitTimeoutMs;
    for (let delay = 2; ; delay = Math.min(delay * 2, 100)) {
      const [latest] = await this.leases.find({ wallet }).sort({ gen: -1 }).limit(1).toArray();
      const now = this.clock.now();
      if (!latest || latest.released || latest.expiresAt <= now) {
        const gen = latest ? latest.gen + 1 : 0;
        const expiresAt = now + this.ttlMs;
        if (await this.insert({ _id: `${wallet}#${gen}`, wallet, gen, holder, expiresAt, released: false })) {
          return {
            remainingMs: () => expiresAt - this.clock.now(),
            release: async () => {
              await Promise.all([
                this.leases.updateOne({ _id: `${wallet}#${gen}` }, { $set: { released: true } }),
                this.leases.deleteMany({ wallet, gen: { $lt: gen } }),
              ]);
            },
          };
        }
        continue;
      }
      if (now >= deadline) throw new SettlementError('WALLET_BUSY', `wallet ${wallet} is busy with another settlement`);
      await new Promise((resolve) => setTimeout(resolve, delay));
    }
  }

  private async insert(doc: LeaseDoc): Promise<boolean> {
    try {
      await this.leases.insertOne(doc);
      return true;
    } catch (error) {
      if ((error as { code?: number }).code === DUPLICATE_KEY) return false;
      throw error;
    }
  }
}
