import { randomBytes } from 'node:crypto';
import { Logger } from '@nestjs/common';
import type { Connection } from 'mongoose';
import { CoreClient, ObjectError, TransactionError, type SuiClientTypes } from '@mysten/sui/client';
import { bcs } from '@mysten/sui/bcs';
import { Transaction, TransactionDataBuilder, type TransactionPlugin } from '@mysten/sui/transactions';
import { normalizeStructTag, normalizeSuiAddress, toBase64 } from '@mysten/sui/utils';
import { Clock, systemClock } from '../clock';
import { LOCAL_CHAIN_IDENTIFIER, LOCAL_NETWORK, REFERENCE_GAS_PRICE, SUI_BALANCE_TYPE, SUI_COIN_TYPE } from './ledger-costs';
import { coinDigest, ownedInputRefs, parseTransaction, planTransaction, type TransactionDataV1 } from './ledger-execution';
import { CoinState, TransactionRecord } from './ledger-records';
import { localLedgerResolver } from './ledger-resolver';
import { LOCAL_EPOCH, addressOwner, toCoin, toTransactionResult } from './ledger-results';
import { Commit, LedgerStore } from './ledger-store';
import { LocalLedgerError } from './local-ledger.error';
import { transactionSigner } from './transaction-signer';

const MAX_COMMIT_ATTEMPTS = 8;
const DEFAULT_PAGE = 50;
const SUI = normalizeStructTag(SUI_BALANCE_TYPE);

export interface LocalLedgerOptions {
  clock?: Clock;
  logger?: Logger;
}

/**
 * An in-process Sui ledger behind the SDK's own client interface, so development and tests run
 * exactly the settlement code that talks to a real node. State lives in MongoDB (see
 * LedgerStore), shared by every app instance and kept across restarts.
 *
 * Executing a transaction: verify the signatures (sender's, and the gas owner's when it
 * sponsors); if the digest is already recorded, answer the recorded result; otherwise read the
 * sender's latest log entry and the input objects, plan the full outcome, and commit it by
 * inserting a lock on each input object version and the sender's next log entry (unique `_id`s:
 * of two transactions planned on the same state only one gets in, the other re-reads and
 * re-checks; an object version locked by another transaction is never spent by a second, even
 * from another sender's log, as with sponsored gas). The object writes that follow are
 * idempotent, and an entry not yet marked done is completed by the next execution touching that
 * sender (or a re-execution of the same bytes) before anything else, so a crash at any step loses
 * nothing and applies nothing twice.
 */
export class LocalLedger extends CoreClient {
  private readonly clock: Clock;
  private readonly logger: Logger;

  constructor(
    private readonly store: LedgerStore,
    options: LocalLedgerOptions = {},
  ) {
    super({ network: LOCAL_NETWORK, base: undefined as never });
    this.clock = options.clock ?? systemClock;
    this.logger = options.logger ?? new Logger('LocalLedger');
  }

  static async open(connection: Connection, options: LocalLedgerOptions & { collectionPrefix?: string } = {}): Promise<LocalLedger> {
    const store = new LedgerStore(connection, options.collectionPrefix);
    await store.ensureIndexes();
    const ledger = new LocalLedger(store, options);
    ledger.logger.log(`local ledger: ready on MongoDB database "${connection.name}" (no Sui node; SUI_NETWORK is unset)`);
    return ledger;
  }

  /** Faucet: mints a new coin for `address`. Exists only on the local ledger. */
  async fund(address: string, mist: bigint): Promise<SuiClientTypes.Coin> {
    const owner = normalizeSuiAddress(address);
    const objectId = normalizeSuiAddress(randomBytes(32).toString('hex'));
    const coin: CoinState = { objectId, version: 1, digest: coinDigest(objectId, 1, owner, mist), owner, balance: mist, previousTransaction: null };
    await this.store.insertCoin(coin);
    this.logger.log(`local ledger: faucet sent ${mist} MIST to ${owner}`);
    return toCoin(coin);
  }

  override async executeTransaction<Include extends SuiClientTypes.TransactionInclude = {}>(
    options: SuiClientTypes.ExecuteTransactionOptions<Include>,
  ): Promise<SuiClientTypes.TransactionResult<Include>> {
    const bytes = options.transaction;
    const digest = TransactionDataBuilder.getDigestFromBytes(bytes);
    const { data, pt } = parseTransaction(bytes);
    const sender = normalizeSuiAddress(data.sender);
    const signers = [...new Set([sender, normalizeSuiAddress(data.gasData.owner)])];
    const ahead = this.readAhead(sender, data, pt);
    const [, known] = await Promise.all([this.verifySignatures(bytes, options.signatures, signers), this.store.findTransaction(digest)]);
    const record = known
      ? await this.completed(known)
      : await this.commitAndApply({ digest, bytes: toBase64(bytes), signatures: options.signatures, data, pt, sender }, ahead);
    return toTransactionResult(record, options.include);
  }

  override async getTransaction<Include extends SuiClientTypes.TransactionInclude = {}>(
    options: SuiClientTypes.GetTransactionOptions<Include>,
  ): Promise<SuiClientTypes.TransactionResult<Include>> {
    const record = await this.store.findTransaction(options.digest);
    if (!record) throw new TransactionError('notFound', options.digest);
    return toTransactionResult(await this.completed(record), options.include);
  }

  override async simulateTransaction<Include extends SuiClientTypes.SimulateTransactionInclude = {}>(
    options: SuiClientTypes.SimulateTransactionOptions<Include>,
  ): Promise<SuiClientTypes.SimulateTransactionResult<Include>> {
    const bytes = options.transaction instanceof Uint8Array ? options.transaction : await options.transaction.build({ client: this });
    const { data, pt } = parseTransaction(bytes);
    const record = await this.plan(TransactionDataBuilder.getDigestFromBytes(bytes), toBase64(bytes), [], data, pt);
    return { ...toTransactionResult(record, options.include), commandResults: undefined } as SuiClientTypes.SimulateTransactionResult<Include>;
  }

  override async getObjects<Include extends SuiClientTypes.ObjectInclude = {}>(
    options: SuiClientTypes.GetObjectsOptions<Include>,
  ): Promise<SuiClientTypes.GetObjectsResponse<Include>> {
    if (options.include?.objectBcs || options.include?.display) throw unsupported('getObjects with objectBcs or display');
    const ids = options.objectIds.map((id) => normalizeSuiAddress(id));
    const found = await this.store.readObjects(ids);
    const objects = ids.map((objectId) => {
      const doc = found.get(objectId);
      if (!doc) return new ObjectError('notExists', `local ledger: object ${objectId} does not exist`, { reason: 'notFound', objectId });
      if (doc === 'deleted' || doc.owner === null) return new ObjectError('deleted', `local ledger: object ${objectId} was deleted`, { reason: 'deleted', objectId });
      return {
        objectId,
        version: String(doc.version),
        digest: doc.digest,
        owner: addressOwner(doc.owner),
        type: SUI_COIN_TYPE,
        content: options.include?.content ? bcs.struct('Coin', { id: bcs.Address, balance: bcs.u64() }).serialize({ id: objectId, balance: doc.balance }).toBytes() : undefined,
        previousTransaction: options.include?.previousTransaction ? doc.previousTransaction : undefined,
        json: options.include?.json ? { id: objectId, balance: doc.balance } : undefined,
        objectBcs: undefined,
        display: undefined,
      } as SuiClientTypes.Object<Include>;
    });
    return { objects };
  }

  override async listCoins(options: SuiClientTypes.ListCoinsOptions): Promise<SuiClientTypes.ListCoinsResponse> {
    if (options.coinType && normalizeStructTag(options.coinType) !== SUI) return { objects: [], hasNextPage: false, cursor: null };
    const limit = options.limit ?? DEFAULT_PAGE;
    const coins = await this.store.coinsOf(normalizeSuiAddress(options.owner), limit + 1, options.cursor ?? null);
    const page = coins.slice(0, limit);
    return { objects: page.map(toCoin), hasNextPage: coins.length > limit, cursor: page.at(-1)?.objectId ?? null };
  }

  override async listOwnedObjects<Include extends SuiClientTypes.ObjectInclude = {}>(
    options: SuiClientTypes.ListOwnedObjectsOptions<Include>,
  ): Promise<SuiClientTypes.ListOwnedObjectsResponse<Include>> {
    if (options.type && normalizeStructTag(options.type) !== normalizeStructTag(SUI_COIN_TYPE)) return { objects: [], hasNextPage: false, cursor: null };
    const page = await this.listCoins({ owner: options.owner, limit: options.limit, cursor: options.cursor });
    const { objects } = await this.getObjects({ objectIds: page.objects.map((coin) => coin.objectId), include: options.include });
    return { objects: objects.filter((o): o is SuiClientTypes.Object<Include> => !(o instanceof Error)), hasNextPage: page.hasNextPage, cursor: page.cursor };
  }

  override async getBalance(options: SuiClientTypes.GetBalanceOptions): Promise<SuiClientTypes.GetBalanceResponse> {
    const coinType = normalizeStructTag(options.coinType ?? SUI_BALANCE_TYPE);
    const total = coinType === SUI ? await this.store.balanceOf(normalizeSuiAddress(options.owner)) : 0n;
    return { balance: { coinType, balance: String(total), coinBalance: String(total), addressBalance: '0' } };
  }

  override async listBalances(options: SuiClientTypes.ListBalancesOptions): Promise<SuiClientTypes.ListBalancesResponse> {
    const { balance } = await this.getBalance({ owner: options.owner });
    return { balances: [balance], hasNextPage: false, cursor: null };
  }

  override async getCoinMetadata(options: SuiClientTypes.GetCoinMetadataOptions): Promise<SuiClientTypes.GetCoinMetadataResponse> {
    if (normalizeStructTag(options.coinType) !== SUI) return { coinMetadata: null };
    return { coinMetadata: { id: null, decimals: 9, name: 'Sui', symbol: 'SUI', description: 'Local ledger SUI', iconUrl: null } };
  }

  override async getReferenceGasPrice(): Promise<SuiClientTypes.GetReferenceGasPriceResponse> {
    return { referenceGasPrice: String(REFERENCE_GAS_PRICE) };
  }

  override async getChainIdentifier(): Promise<SuiClientTypes.GetChainIdentifierResponse> {
    return { chainIdentifier: LOCAL_CHAIN_IDENTIFIER };
  }

  override async getCurrentSystemState(): Promise<SuiClientTypes.GetCurrentSystemStateResponse> {
    const zero = '0';
    return {
      systemState: {
        systemStateVersion: '1',
        epoch: LOCAL_EPOCH,
        protocolVersion: '1',
        referenceGasPrice: String(REFERENCE_GAS_PRICE),
        epochStartTimestampMs: zero,
        safeMode: false,
        safeModeStorageRewards: zero,
        safeModeComputationRewards: zero,
        safeModeStorageRebates: zero,
        safeModeNonRefundableStorageFee: zero,
        parameters: {
          epochDurationMs: String(24 * 3600_000),
          stakeSubsidyStartEpoch: zero,
          maxValidatorCount: zero,
          minValidatorJoiningStake: zero,
          validatorLowStakeThreshold: zero,
          validatorLowStakeGracePeriod: zero,
        },
        storageFund: { totalObjectStorageRebates: zero, nonRefundableBalance: zero },
        stakeSubsidy: { balance: zero, distributionCounter: zero, currentDistributionAmount: zero, stakeSubsidyPeriodLength: zero, stakeSubsidyDecreaseRate: 0 },
      },
    };
  }

  override resolveTransactionPlugin(): TransactionPlugin {
    return localLedgerResolver(this);
  }

  override getProtocolConfig(): never {
    throw unsupported('getProtocolConfig');
  }
  override listDynamicFields(): never {
    throw unsupported('listDynamicFields');
  }
  override listTransactions(): never {
    throw unsupported('listTransactions');
  }
  override listEvents(): never {
    throw unsupported('listEvents');
  }
  override verifyZkLoginSignature(): never {
    throw unsupported('verifyZkLoginSignature');
  }
  override getMoveFunction(): never {
    throw unsupported('getMoveFunction (the local ledger has no Move packages)');
  }
  override defaultNameServiceName(): never {
    throw unsupported('defaultNameServiceName');
  }
  override resolveNameServiceAddress(): never {
    throw unsupported('resolveNameServiceAddress');
  }

  /** One valid signature from each signer (the sender, and the gas owner when it sponsors), in any order. */
  private async verifySignatures(bytes: Uint8Array, signatures: string[], signers: string[]): Promise<void> {
    if (signatures.length !== signers.length) {
      throw new LocalLedgerError('IncorrectUserSignature', `Expected a signature from each of ${signers.join(', ')}, got ${signatures.length}`);
    }
    const signed = await Promise.all(signatures.map((signature) => transactionSigner(bytes, signature)));
    const missing = signers.filter((signer) => !signed.includes(signer));
    if (missing.length) throw new LocalLedgerError('InvalidSignature', `Signature is not valid: no valid signature from ${missing.join(', ')}`);
  }

  private async commitAndApply(tx: {
    digest: string;
    bytes: string;
    signatures: string[];
    data: TransactionDataV1;
    pt: ReturnType<typeof parseTransaction>['pt'];
    sender: string;
  }, ahead: Promise<ReadAhead> | null): Promise<TransactionRecord> {
    for (let attempt = 0; attempt < MAX_COMMIT_ATTEMPTS; attempt++) {
      let { latest, objects } = (attempt === 0 && (await ahead)) || { latest: await this.store.latestCommit(tx.sender), objects: undefined };
      if (latest && !latest.done) {
        await this.finish(latest);
        objects = undefined;
      }
      if (latest?.record.digest === tx.digest) return latest.record;
      let record: TransactionRecord;
      let committed: boolean;
      try {
        record = await this.plan(tx.digest, tx.bytes, tx.signatures, tx.data, tx.pt, objects);
        committed = await this.commitWithLocks(tx, record, latest ? latest.seq + 1 : 0);
      } catch (error) {
        // The same bytes may have just been executed by another instance, consuming the inputs.
        const done = error instanceof LocalLedgerError ? await this.store.findTransaction(tx.digest) : null;
        if (done) return done;
        throw error;
      }
      const seq = latest ? latest.seq + 1 : 0;
      if (committed) {
        await this.finish({ seq, done: false, record });
        this.logger.debug?.(`local ledger: executed ${record.digest} (${record.failure ? `failed: ${record.failure.kind}` : 'success'})`);
        return record;
      }
    }
    throw new LocalLedgerError('ObjectLockConflict', `objects of ${tx.sender} are being changed by concurrent transactions; retry`);
  }

  /** Locks the inputs and takes log position `seq`: one insert unless a lock is contended. False if the position was taken. */
  private async commitWithLocks(tx: { digest: string; sender: string; data: TransactionDataV1; pt: ReturnType<typeof parseTransaction>['pt'] }, record: TransactionRecord, seq: number): Promise<boolean> {
    const outcome = await this.store.commitLocked(record, seq, ownedInputRefs(tx.data, tx.pt));
    if (outcome !== 'locks-contended') return outcome === 'committed';
    await this.lockInputs(tx);
    return this.store.commit(record, seq);
  }

  /**
   * Takes the owned-object locks, as validators do. A version locked by another transaction was
   * either spent by it (stale, once its writes are finished) or is held by one that has not
   * executed: equivocation, which on Sui freezes the object for the rest of the epoch.
   */
  private async lockInputs(tx: { digest: string; sender: string; data: TransactionDataV1; pt: ReturnType<typeof parseTransaction>['pt'] }): Promise<void> {
    const holders = await this.store.lockObjects(ownedInputRefs(tx.data, tx.pt), tx.digest, tx.sender);
    for (const holder of holders) {
      const latest = await this.store.latestCommit(holder.sender);
      if (latest && !latest.done) await this.finish(latest);
      if (await this.store.findTransaction(holder.digest)) {
        throw new LocalLedgerError(
          'ObjectVersionUnavailableForConsumption',
          `Object ID ${holder.objectId} Version ${holder.version} is not available for consumption: spent by ${holder.digest}`,
        );
      }
      throw new LocalLedgerError('ObjectLockConflict', `Object ${holder.objectId} at version ${holder.version} is already locked by transaction ${holder.digest} (equivocation)`);
    }
  }

  /**
   * What committing needs (the sender's log head, the input objects), read while the signatures
   * are checked; null if the transaction is malformed, which planning reports in order.
   */
  private readAhead(sender: string, data: TransactionDataV1, pt: ReturnType<typeof parseTransaction>['pt']): Promise<ReadAhead> | null {
    let refs: ReturnType<typeof ownedInputRefs>;
    try {
      refs = ownedInputRefs(data, pt);
    } catch {
      return null;
    }
    const ahead = Promise.all([this.store.latestCommit(sender), this.store.readReferencedCoins(refs)]).then(([latest, objects]) => ({ latest, objects }));
    ahead.catch(() => undefined);
    return ahead;
  }

  private async plan(
    digest: string,
    bytes: string,
    signatures: string[],
    data: TransactionDataV1,
    pt: ReturnType<typeof parseTransaction>['pt'],
    readAhead?: Map<string, CoinState>,
  ) {
    const refs = ownedInputRefs(data, pt);
    const objects = readAhead ?? (await this.store.readReferencedCoins(refs));
    return planTransaction({ digest, bytes, signatures, timestampMs: this.clock.now(), referenceGasPrice: REFERENCE_GAS_PRICE, data, pt, objects });
  }

  /** A recorded transaction whose object writes may still be under way is completed before it is reported. */
  private async completed(record: TransactionRecord): Promise<TransactionRecord> {
    const latest = await this.store.latestCommit(record.sender);
    if (latest && !latest.done && latest.record.digest === record.digest) await this.finish(latest);
    return record;
  }

  private async finish(commit: Commit): Promise<void> {
    await this.store.applyWrites(commit.record);
    this.store.markDone(commit.record.sender, commit.seq);
  }
}

interface ReadAhead {
  latest: Commit | null;
  objects: Map<string, CoinState> | undefined;
}

function unsupported(what: string): LocalLedgerError {
  return new LocalLedgerError('Unsupported', `${what} is not implemented by the local ledger`);
}
