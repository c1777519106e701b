import { randomUUID } from 'node:crypto';
import Redis from 'ioredis';
import mongoose, { Connection } from 'mongoose';
import { Ed25519Keypair } from '@mysten/sui/keypairs/ed25519';
import { Transaction } from '@mysten/sui/transactions';
import type { ClientWithCoreApi, SuiClientTypes } from '@mysten/sui/client';
import { LocalLedger } from '../../../src/blockchain/local-ledger/local-ledger';
import { LedgerStore } from '../../../src/blockchain/local-ledger/ledger-store';
import { MongoSettlementAttemptStore } from '../../../src/blockchain/settlement/mongo-settlement-attempt.store';
import { SettlementService } from '../../../src/blockchain/settlement/settlement.service';
import type { SettlementAttemptStore } from '../../../src/blockchain/settlement/settlement.types';
import { WalletLeases } from '../../../src/blockchain/settlement/wallet-lease';
import { generateMasterKey, MasterKeyRing, parseMasterKeys } from '../../../src/blockchain/wallets/wallet-crypto';
import { WalletService } from '../../../src/blockchain/wallets/wallet.service';
import { GasStation } from '../../../src/blockchain/gas/gas-station';
import { gasSponsor } from '../../../src/blockchain/gas/gas-sponsor';

export const SUI = 1_000_000_000n;
export const FAUCET_MIST = 1000n * SUI;
/** Gas of one split-and-transfer on the local ledger: 1 000 000 + 2 × 988 000 − 978 120. */
export const TRANSFER_FEE = 1_997_880n;

export async function openDatabase(): Promise<Connection> {
  return mongoose.createConnection(process.env.MONGODB_URI!, { dbName: `ledger_${randomUUID().slice(0, 8)}` }).asPromise();
}

const redisClients: Redis[] = [];

/** A Redis connection for wallet leases, under a key prefix of its own. */
export function leaseRedis(): Redis {
  const client = new Redis(process.env.REDIS_URL!, { keyPrefix: `leases_${randomUUID().slice(0, 8)}:` });
  redisClients.push(client);
  return client;
}

export async function closeLeaseRedis(): Promise<void> {
  await Promise.all(redisClients.splice(0).map((client) => client.quit()));
}

export async function dropDatabase(connection: Connection): Promise<void> {
  await connection.dropDatabase();
  await connection.close();
  await closeLeaseRedis();
}

export async function balanceOf(client: ClientWithCoreApi, owner: string): Promise<bigint> {
  return BigInt((await client.core.getBalance({ owner })).balance.balance);
}

/** A split-and-transfer built and signed by the real SDK, everything preset. */
export async function signedTransfer(
  ledger: LocalLedger,
  from: Ed25519Keypair,
  to: string,
  amount: bigint,
  options: { gasCoins?: SuiClientTypes.Coin[]; signer?: Ed25519Keypair; budget?: bigint } = {},
): Promise<{ bytes: Uint8Array; signature: string }> {
  const owner = from.toSuiAddress();
  const coins = options.gasCoins ?? (await ledger.listCoins({ owner })).objects;
  const tx = new Transaction();
  tx.setSender(owner);
  tx.setGasPrice(1000n);
  tx.setGasBudget(options.budget ?? 10_000_000n);
  tx.setGasPayment(coins.map(({ objectId, version, digest }) => ({ objectId, version, digest })));
  const [coin] = tx.splitCoins(tx.gas, [tx.pure.u64(amount)]);
  tx.transferObjects([coin], tx.pure.address(to));
  const bytes = await tx.build({ client: ledger });
  const { signature } = await (options.signer ?? from).signTransaction(bytes);
  return { bytes, signature };
}

export interface SettlementStack {
  ledger: LocalLedger;
  ring: MasterKeyRing;
  wallets: WalletService;
  attempts: MongoSettlementAttemptStore;
  settlement: SettlementService;
  /** The gas sponsor's address when gas is sponsored. */
  sponsor: string | null;
  /** Another app instance on the same database: own ledger client, leases and services. */
  secondInstance(): Promise<SettlementService>;
}

export async function settlementStack(
  connection: Connection,
  options: {
    client?: (ledger: LocalLedger) => ClientWithCoreApi;
    attempts?: SettlementAttemptStore;
    /** Sponsored gas from a pool of this many sponsor coins. */
    gasPool?: number;
  } = {},
): Promise<SettlementStack> {
  const ring = parseMasterKeys(generateMasterKey());
  const redis = leaseRedis();
  const build = async () => {
    const ledger = await LocalLedger.open(connection);
    const client = options.client?.(ledger) ?? ledger;
    const wallets = new WalletService(connection, client, ring, { fund: async (address) => void (await ledger.fund(address, FAUCET_MIST)) });
    await wallets.ensureIndexes();
    const attempts = new MongoSettlementAttemptStore(connection);
    const leases = new WalletLeases(redis);
    await attempts.ensureIndexes();
    const gasStation = options.gasPool
      ? new GasStation(client, redis, leases, await gasSponsor(undefined, wallets), {
          gasBudget: 10_000_000n,
          poolSize: options.gasPool,
          faucet: async (address) => void (await ledger.fund(address, FAUCET_MIST)),
        })
      : null;
    await gasStation?.prepare();
    const settlement = new SettlementService(client, wallets, leases, options.attempts ?? attempts, { network: 'localnet' }, gasStation);
    return { ledger, wallets, attempts, settlement, sponsor: gasStation?.sponsorAddress ?? null };
  };
  const first = await build();
  return { ...first, ring, secondInstance: async () => (await build()).settlement };
}

/** A ledger store that fails once at the named step, as if the process died there. */
export class CrashingLedgerStore extends LedgerStore {
  crashAt: 'applyWrites' | 'midApply' | 'markDone' | null = null;

  override async applyWrites(record: Parameters<LedgerStore['applyWrites']>[0]): Promise<void> {
    if (this.crashAt === 'midApply') {
      this.crashAt = null;
      await super.applyWrites({ ...record, writes: record.writes.slice(0, 1), deletions: [] });
      throw new Error('simulated crash in the middle of applying');
    }
    this.crashOnce('applyWrites');
    return super.applyWrites(record);
  }

  override markDone(...args: Parameters<LedgerStore['markDone']>): void {
    this.crashOnce('markDone');
    super.markDone(...args);
  }

  private crashOnce(step: 'applyWrites' | 'markDone'): void {
    if (this.crashAt !== step) return;
    this.crashAt = null;
    throw new Error(`simulated crash before ${step}`);
  }
}
