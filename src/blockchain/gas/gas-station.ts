import { Logger } from '@nestjs/common';
import type Redis from 'ioredis';
import type { ClientWithCoreApi, SuiClientTypes } from '@mysten/sui/client';
import { normalizeSuiAddress } from '@mysten/sui/utils';
import { Clock, systemClock } from '../clock';
import { SettlementError } from '../settlement/settlement.error';
import type { WalletLease, WalletLeases } from '../settlement/wallet-lease';

/** The platform wallet that pays gas for sponsored settlements. */
export interface GasSponsor {
  readonly address: string;
  signTransaction(bytes: Uint8Array): Promise<{ signature: string }>;
}

export interface GasCoinRef {
  objectId: string;
  version: string;
  digest: string;
}

type Executed = SuiClientTypes.TransactionResult<{ effects: true; balanceChanges: true }>;

/** One gas coin of the pool, held by one settlement until released. */
export interface ReservedGas {
  readonly owner: string;
  /** Where the coin stood when reserved; null when reserved only to resubmit stored bytes. */
  readonly coin: GasCoinRef | null;
  remainingMs(): number;
  sign(bytes: Uint8Array): Promise<string>;
  /** Frees the coin, first remembering its version after `executed`; without it the next user re-reads the coin. */
  release(executed?: Executed): Promise<void>;
}

export interface GasStationOptions {
  gasBudget: bigint;
  poolSize: number;
  /** Local ledger only: mints coins so the sponsor has `poolSize` of them. */
  faucet?: (address: string) => Promise<void>;
  waitTimeoutMs?: number;
  clock?: Clock;
}

const MAX_LISTED = 1_000;

/**
 * Sponsored gas from a pool of the sponsor's coins. A coin is an owned object, so two unfinished
 * transactions must never use the same one: each settlement leases one coin (the same crash-proof
 * Redis lease as wallets), and the coin's latest version is kept in Redis beside it so the next
 * holder, in any process, builds against the right version without asking the chain. Settlements
 * run in parallel up to the pool size, whatever the number of wallets.
 */
export class GasStation {
  private readonly logger = new Logger(GasStation.name);
  private readonly refsKey: string;
  private readonly waitTimeoutMs: number;
  private readonly clock: Clock;
  private pool: Promise<string[]> | null = null;
  private next = 0;
  /**
   * This process never holds more coins than the pool has, so callers beyond that wait here, in
   * order, instead of all polling Redis for a coin (which slowed everyone down).
   */
  private permits: number;
  private readonly waiting: (() => void)[] = [];

  constructor(
    private readonly client: ClientWithCoreApi,
    private readonly redis: Redis,
    private readonly leases: WalletLeases,
    private readonly sponsor: GasSponsor,
    private readonly options: GasStationOptions,
  ) {
    this.refsKey = `gas-coin-refs:${normalizeSuiAddress(sponsor.address)}`;
    this.waitTimeoutMs = options.waitTimeoutMs ?? 30_000;
    this.clock = options.clock ?? systemClock;
    this.permits = options.poolSize;
  }

  get sponsorAddress(): string {
    return normalizeSuiAddress(this.sponsor.address);
  }

  /** Loads the pool (filling it from the faucet in local mode) so the first settlement does not wait; returns its size. */
  async prepare(): Promise<number> {
    return (await this.coins()).length;
  }

  /** Any free coin that can cover a gas budget; waits while all are busy. */
  async reserve(): Promise<ReservedGas> {
    await this.takePermit();
    try {
      return await this.reserveAny();
    } catch (error) {
      this.returnPermit();
      throw error;
    }
  }

  private async reserveAny(): Promise<ReservedGas> {
    const deadline = this.clock.now() + this.waitTimeoutMs;
    for (let delay = 2; ; delay = Math.min(delay * 2, 50)) {
      const pool = await this.coins();
      if (!pool.length) {
        this.pool = null;
        throw new SettlementError('GAS_SPONSOR_EMPTY', `gas sponsor ${this.sponsorAddress} has no coin holding the gas budget of ${this.options.gasBudget} MIST; top it up`);
      }
      const start = this.next++;
      for (let i = 0; i < pool.length; i++) {
        const reserved = await this.tryReserve(pool[(start + i) % pool.length], () => this.returnPermit());
        if (reserved) return reserved;
      }
      if (this.clock.now() >= deadline) throw new SettlementError('GAS_POOL_BUSY', `all ${pool.length} gas coins of the sponsor are in use`);
      await new Promise((resolve) => setTimeout(resolve, delay));
    }
  }

  /** The coin that stored bytes pay gas with, so they can be resubmitted while nobody else uses it. */
  async reserveCoin(objectId: string): Promise<ReservedGas> {
    const lease = await this.leases.acquire(`gas-coin:${normalizeSuiAddress(objectId)}`);
    return this.reserved(normalizeSuiAddress(objectId), null, lease);
  }

  private takePermit(): Promise<void> {
    if (this.permits > 0) {
      this.permits--;
      return Promise.resolve();
    }
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  private returnPermit(): void {
    const next = this.waiting.shift();
    if (next) next();
    else this.permits++;
  }

  private async tryReserve(objectId: string, onRelease: () => void): Promise<ReservedGas | null> {
    const lease = await this.leases.tryAcquire(`gas-coin:${objectId}`);
    if (!lease) return null;
    try {
      const state = await this.stateOf(objectId);
      if (state && state.balance >= this.options.gasBudget) return this.reserved(objectId, state.ref, lease, onRelease);
      this.logger.warn(`gas coin ${objectId} of the sponsor ${state ? `holds ${state.balance} MIST, under one gas budget` : 'is gone'}; leaving it out of the pool`);
      await this.dropFromPool(objectId);
      await lease.release();
      return null;
    } catch (error) {
      await lease.release();
      throw error;
    }
  }

  private reserved(objectId: string, coin: GasCoinRef | null, lease: WalletLease, onRelease?: () => void): ReservedGas {
    let released = false;
    return {
      owner: this.sponsorAddress,
      coin,
      remainingMs: () => lease.remainingMs(),
      sign: async (bytes) => (await this.sponsor.signTransaction(bytes)).signature,
      release: async (executed) => {
        if (released) return;
        released = true;
        try {
          await this.remember(objectId, executed);
        } finally {
          await lease.release();
          onRelease?.();
        }
      },
    };
  }

  /** Written under the coin's lease, so the next holder sees the version this transaction left. */
  private async remember(objectId: string, executed: Executed | undefined): Promise<void> {
    const tx = executed && (executed.Transaction ?? executed.FailedTransaction);
    const gas = tx?.effects.gasObject;
    const paid = tx?.balanceChanges.find((change) => normalizeSuiAddress(change.address) === this.sponsorAddress);
    const before = await this.redis.hget(this.refsKey, objectId);
    if (!gas?.outputVersion || !gas.outputDigest || normalizeSuiAddress(gas.objectId) !== objectId || !paid || !before) {
      await this.redis.hdel(this.refsKey, objectId);
      return;
    }
    const balance = BigInt(before.split(':')[2]) + BigInt(paid.amount);
    await this.redis.hset(this.refsKey, objectId, `${gas.outputVersion}:${gas.outputDigest}:${balance}`);
  }

  private async stateOf(objectId: string): Promise<{ ref: GasCoinRef; balance: bigint } | null> {
    const cached = await this.redis.hget(this.refsKey, objectId);
    if (cached) {
      const [version, digest, balance] = cached.split(':');
      return { ref: { objectId, version, digest }, balance: BigInt(balance) };
    }
    const { objects } = await this.client.core.getObjects({ objectIds: [objectId], include: { content: true } });
    const object = objects[0];
    if (object instanceof Error || !object.content || normalizeSuiAddress(ownerOf(object.owner) ?? '0x0') !== this.sponsorAddress) return null;
    const balance = coinBalance(object.content);
    await this.redis.hset(this.refsKey, objectId, `${object.version}:${object.digest}:${balance}`);
    return { ref: { objectId, version: object.version, digest: object.digest }, balance };
  }

  private coins(): Promise<string[]> {
    this.pool ??= this.loadPool().catch((error: unknown) => {
      this.pool = null;
      throw error;
    });
    return this.pool;
  }

  private async loadPool(): Promise<string[]> {
    let coins = await this.listSponsorCoins();
    const short = this.options.poolSize - coins.length;
    if (short > 0 && this.options.faucet) {
      for (let i = 0; i < short; i++) await this.options.faucet(this.sponsorAddress);
      coins = await this.listSponsorCoins();
    }
    const usable = coins.filter((coin) => BigInt(coin.balance) >= this.options.gasBudget).slice(0, this.options.poolSize);
    if (usable.length < this.options.poolSize) {
      this.logger.warn(`gas sponsor ${this.sponsorAddress} has ${usable.length} usable coins for a pool of ${this.options.poolSize}; split its SUI into more coins for more parallel settlements`);
    }
    this.logger.log(`gas pool: ${usable.length} coins of sponsor ${this.sponsorAddress}`);
    return usable.map((coin) => normalizeSuiAddress(coin.objectId));
  }

  private async listSponsorCoins(): Promise<SuiClientTypes.Coin[]> {
    const coins: SuiClientTypes.Coin[] = [];
    let cursor: string | null = null;
    do {
      const page: SuiClientTypes.ListCoinsResponse = await this.client.core.listCoins({ owner: this.sponsorAddress, cursor, limit: 200 });
      coins.push(...page.objects);
      cursor = page.hasNextPage ? page.cursor : null;
    } while (cursor && coins.length < MAX_LISTED);
    return coins;
  }

  private async dropFromPool(objectId: string): Promise<void> {
    const pool = await this.coins();
    this.pool = Promise.resolve(pool.filter((id) => id !== objectId));
  }
}

function ownerOf(owner: SuiClientTypes.ObjectOwner): string | null {
  return owner.$kind === 'AddressOwner' ? owner.AddressOwner : null;
}

/** A `Coin<SUI>`'s Move layout: a 32-byte UID, then the u64 balance (little-endian). */
function coinBalance(content: Uint8Array): bigint {
  return new DataView(content.buffer, content.byteOffset, content.byteLength).getBigUint64(32, true);
}
