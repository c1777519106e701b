import { Inject, Injectable, Logger, Optional } from '@nestjs/common';
import type { ClientWithCoreApi, SuiClientTypes } from '@mysten/sui/client';
import { Transaction, TransactionDataBuilder } from '@mysten/sui/transactions';
import { fromBase64, isValidSuiAddress, normalizeSuiAddress, toBase64 } from '@mysten/sui/utils';
import { LEASE_MARGIN_MS } from '../blockchain.config';
import { GAS_STATION, SETTLEMENT_ATTEMPT_STORE, SETTLEMENT_OPTIONS, SUI_CLIENT } from '../blockchain.tokens';
import type { GasStation, ReservedGas } from '../gas/gas-station';
import { Clock, systemClock } from '../clock';
import { WalletService } from '../wallets/wallet.service';
import { classifyFailure, onChainFailure } from './classify-failure';
import { explorerUrl } from './explorer-url';
import { DigestTakenError, SettlementError } from './settlement.error';
import type { PreparedSettlement, SettlementAttemptStore, SettlementRequest, SettlementResult } from './settlement.types';
import { WalletLease, WalletLeases } from './wallet-lease';

export interface SettlementOptions {
  network: string;
  gasBudgetMist?: bigint;
  submitTimeoutMs?: number;
  clock?: Clock;
}

const INCLUDE = { effects: true, balanceChanges: true } as const;
type Executed = SuiClientTypes.TransactionResult<typeof INCLUDE>;

const MAX_GAS_COINS = 255;
const MAX_U64 = 2n ** 64n - 1n;
const GAS_PRICE_TTL_MS = 60_000;
/** Another payment's stored bytes resolved in a row before giving up for now (each one moves the wallet's coins on). */
const MAX_CLASHES = 3;

/**
 * Moves money exactly once per payment. The transaction is built with everything preset (sender,
 * gas price, budget, gas coins), signed, and its bytes stored before the first submission; every
 * later attempt looks the stored digest up and, if the chain has not seen it, submits those same
 * bytes again. A new transaction is built only when the stored one can provably never execute
 * (one of its gas coins was consumed at its version by something else). Settlements of one wallet
 * run one at a time under a lease, so two unfinished transactions never use the same coin and
 * nothing is ever rejected for equivocation. Another payment's stored, unexecuted bytes are part
 * of the wallet's state: a build that turns out to be those very bytes executes them first (which
 * completes that payment) and builds again on the coins they leave.
 */
@Injectable()
export class SettlementService {
  private readonly logger = new Logger(SettlementService.name);
  private readonly network: string;
  private readonly gasBudget: bigint;
  private readonly submitTimeoutMs: number;
  private readonly clock: Clock;
  private gasPrice: { value: bigint; until: number } | null = null;
  /**
   * Each wallet's gas coin and balance as its last settlement left them, so the next one needs no
   * coin listing. Only used under the wallet's lease; dropped on any failure, when the chain is
   * asked again.
   */
  private readonly gasHints = new Map<string, GasHint>();

  constructor(
    @Inject(SUI_CLIENT) private readonly client: ClientWithCoreApi,
    private readonly wallets: WalletService,
    private readonly leases: WalletLeases,
    @Inject(SETTLEMENT_ATTEMPT_STORE) private readonly attempts: SettlementAttemptStore,
    @Inject(SETTLEMENT_OPTIONS) options: SettlementOptions,
    /** Set when gas is sponsored: a platform wallet pays gas, the user's wallet only the amount. */
    @Optional() @Inject(GAS_STATION) private readonly gasStation: GasStation | null = null,
  ) {
    this.network = options.network;
    this.gasBudget = options.gasBudgetMist ?? 10_000_000n;
    this.submitTimeoutMs = options.submitTimeoutMs ?? 15_000;
    this.clock = options.clock ?? systemClock;
  }

  /**
   * Settles `request` or throws a `SettlementError`: `retryable` ones may be retried any number of
   * times with the same request (and store); the others fail the payment.
   * @param attempts where the signed bytes are kept; defaults to the module's own collection.
   */
  async settle(request: SettlementRequest, attempts: SettlementAttemptStore = this.attempts): Promise<SettlementResult> {
    validate(request);
    const lease = await this.leases.acquire(normalizeSuiAddress(request.fromAddress));
    try {
      return await this.settleUnderLease(request, attempts, lease);
    } catch (error) {
      throw classifyFailure(error);
    } finally {
      await lease.release();
    }
  }

  /**
   * Whether a transfer may have been sent for `transactionId`: its bytes are stored before their
   * first submission, so without stored bytes nothing can ever have reached the ledger.
   */
  async mayHaveSent(transactionId: string, attempts: SettlementAttemptStore = this.attempts): Promise<boolean> {
    return (await attempts.loadPrepared(transactionId)) !== null;
  }

  private async settleUnderLease(request: SettlementRequest, attempts: SettlementAttemptStore, lease: WalletLease): Promise<SettlementResult> {
    const sender = normalizeSuiAddress(request.fromAddress);
    try {
      const executed = await this.executeOnce(request, attempts, lease);
      this.rememberGas(sender, executed);
      return this.toResult(request, executed);
    } catch (error) {
      this.gasHints.delete(sender);
      throw error;
    }
  }

  private async executeOnce(request: SettlementRequest, attempts: SettlementAttemptStore, lease: WalletLease): Promise<Executed> {
    // Built while the store is asked for this payment's bytes, and used only if there are none:
    // the usual first attempt then costs no extra wait. (Sponsored builds need a coin first.)
    const early = this.gasStation ? undefined : later(this.prepare(request, undefined));
    let prepared = early && request.firstStart ? null : await attempts.loadPrepared(request.transactionId);
    if (prepared) {
      const landed = await this.lookup(prepared.digest);
      if (landed) return landed;
      this.logger.log(`payment ${request.transactionId}: resubmitting stored transaction ${prepared.digest}`);
    }
    let gas = prepared ? await this.gasOfStored(prepared) : await this.gasStation?.reserve();
    let executed: Executed | undefined;
    try {
      // Waiting for a gas coin ate into the wallet's lease; start its term again.
      if (gas && !(await lease.renew())) throw new SettlementError('WALLET_BUSY', 'the wallet lease lapsed while waiting for a gas coin');
      if (!prepared) ({ prepared, gas } = await this.prepareAndStore(request, attempts, lease, null, gas, early));
      for (let rebuilt = false; ; rebuilt = true) {
        try {
          executed = await this.submit(prepared, lease, gas);
          return executed;
        } catch (error) {
          const failure = classifyFailure(error);
          if (failure.code !== 'STALE_OBJECT' || rebuilt) throw failure;
          executed = (await this.lookup(prepared.digest)) ?? undefined;
          if (executed) return executed;
          if (!(await this.canNeverExecute(prepared))) throw failure;
          this.gasHints.delete(normalizeSuiAddress(request.fromAddress));
          this.logger.warn(`payment ${request.transactionId}: ${prepared.digest} can no longer execute (${failure.message}); building a replacement`);
          await gas?.release();
          gas = await this.gasStation?.reserve();
          ({ prepared, gas } = await this.prepareAndStore(request, attempts, lease, prepared.digest, gas));
        }
      }
    } finally {
      await gas?.release(executed);
    }
  }

  /**
   * Builds, signs and stores a transaction. Returns what is stored, which is another attempt's
   * if one won the race to store; its gas coin is then the one held. The caller releases `gas`
   * on failure.
   */
  private async prepareAndStore(
    request: SettlementRequest,
    attempts: SettlementAttemptStore,
    lease: WalletLease,
    replacing: string | null,
    gas: ReservedGas | undefined,
    early?: Promise<() => PreparedSettlement>,
  ): Promise<{ prepared: PreparedSettlement; gas: ReservedGas | undefined }> {
    const given = gas;
    try {
      let built = early ? (await early)() : await this.prepare(request, gas);
      for (let clashes = 0; ; clashes++) {
        let stored: PreparedSettlement;
        try {
          stored = await attempts.savePrepared(request.transactionId, built, replacing);
        } catch (error) {
          if (!(error instanceof DigestTakenError) || clashes === MAX_CLASHES) throw error;
          gas = await this.resolveForeign(request, error.owner, built, attempts, lease, gas);
          built = await this.prepare(request, gas);
          continue;
        }
        if (stored.digest === built.digest) return { prepared: stored, gas };
        await gas?.release();
        return { prepared: stored, gas: await this.gasOfStored(stored) };
      }
    } catch (error) {
      // The caller releases the coin it gave; one taken here is released here.
      if (gas !== given) await gas?.release();
      throw error;
    }
  }

  /**
   * `foreign` was just built from the wallet's coins as they stand, and another payment, `owner`,
   * has the very same bytes stored but not executed (a process died between storing and
   * submitting them, or the digest was claimed and the bytes executed since). Those stored bytes
   * are part of the wallet's state: under its lease they are executed first, which completes
   * `owner` once its own retry finds them landed, and the next build then spends the coins they
   * leave. Returns the gas to build with next (sponsored: a fresh coin, the used one moved on).
   */
  private async resolveForeign(
    request: SettlementRequest,
    owner: string,
    foreign: PreparedSettlement,
    attempts: SettlementAttemptStore,
    lease: WalletLease,
    gas: ReservedGas | undefined,
  ): Promise<ReservedGas | undefined> {
    this.gasHints.delete(normalizeSuiAddress(request.fromAddress));
    let executed = await this.lookup(foreign.digest);
    if (!executed) {
      // Submitted only if they are the owner's on record, so its retry finds what they did (a crash between claim and attempt left the claim alone).
      const theirs = (await attempts.loadPrepared(owner)) ?? (await attempts.savePrepared(owner, foreign, null));
      if (theirs.digest !== foreign.digest) throw new SettlementError('STALE_OBJECT', `payment ${owner} holds ${foreign.digest} but has moved on to ${theirs.digest}`);
      this.logger.log(`payment ${request.transactionId}: first executing ${foreign.digest}, stored by payment ${owner} on the same coins`);
      executed = await this.submit(foreign, lease, gas).catch((error: unknown) => {
        // Spent meanwhile, by these bytes or others: either way the coins moved on.
        if (classifyFailure(error).code !== 'STALE_OBJECT') throw error;
        return null;
      });
    }
    if (!this.gasStation) return gas;
    await gas?.release(executed ?? undefined);
    return this.gasStation.reserve();
  }

  /** The sponsor's coin that stored bytes pay gas with, held while they may be submitted; none when the wallet pays its own gas. */
  private async gasOfStored(prepared: PreparedSettlement): Promise<ReservedGas | undefined> {
    const { sender, gasData } = TransactionDataBuilder.fromBytes(fromBase64(prepared.bytes));
    const sponsored = gasData.owner && normalizeSuiAddress(gasData.owner) !== normalizeSuiAddress(sender!);
    if (!sponsored || !this.gasStation || !gasData.payment?.length) return undefined;
    return this.gasStation.reserveCoin(gasData.payment[0].objectId);
  }

  private async prepare(request: SettlementRequest, gas: ReservedGas | undefined): Promise<PreparedSettlement> {
    const sender = normalizeSuiAddress(request.fromAddress);
    const [signer, hinted, gasPrice] = await Promise.all([this.wallets.signerFor(sender), this.gasOf(sender), this.referenceGasPrice()]);
    const total = request.amountMist + (request.fee?.amountMist ?? 0n);
    const needed = gas ? total : total + this.gasBudget;
    // The hint knows only what this wallet's own settlements left; money sent to it since (a payment
    // into a settlement wallet, a refund to a cardholder) is in coins only a fresh listing sees.
    if (hinted.balance < needed) this.gasHints.delete(sender);
    const { coins, balance } = hinted.balance < needed ? await this.gasOf(sender) : hinted;
    if (balance < needed) {
      throw new SettlementError(
        'INSUFFICIENT_BALANCE',
        `wallet ${sender} holds ${balance} MIST; ${total} MIST${gas ? '' : ` plus up to ${this.gasBudget} MIST of gas`} are needed`,
      );
    }
    const tx = new Transaction();
    tx.setSender(sender);
    tx.setGasPrice(gasPrice);
    tx.setGasBudget(this.gasBudget);
    const source = gas?.coin ? this.sponsoredSource(tx, gas.owner, gas.coin, coins) : this.ownGasSource(tx, coins);
    const [payment] = tx.splitCoins(source, [tx.pure.u64(request.amountMist)]);
    tx.transferObjects([payment], tx.pure.address(normalizeSuiAddress(request.toAddress)));
    if (request.fee) {
      const [fee] = tx.splitCoins(source, [tx.pure.u64(request.fee.amountMist)]);
      tx.transferObjects([fee], tx.pure.address(normalizeSuiAddress(request.fee.toAddress)));
    }
    const bytes = await tx.build({ client: this.client });
    const signatures = [(await signer.signTransaction(bytes)).signature];
    if (gas) signatures.push(await gas.sign(bytes));
    return { digest: TransactionDataBuilder.getDigestFromBytes(bytes), bytes: toBase64(bytes), signatures };
  }

  /** The wallet pays gas with its coins (merged into the first by the chain) and the amount comes out of that gas coin. */
  private ownGasSource(tx: Transaction, coins: GasHint['coins']) {
    tx.setGasPayment(coins.map(({ objectId, version, digest }) => ({ objectId, version, digest })));
    return tx.gas;
  }

  /** The sponsor's coin pays gas; the amount comes out of the wallet's coins, merged into one. */
  private sponsoredSource(tx: Transaction, sponsor: string, gasCoin: GasHint['coins'][number], coins: GasHint['coins']) {
    tx.setGasOwner(sponsor);
    tx.setGasPayment([gasCoin]);
    const [primary, ...rest] = coins.map((coin) => tx.objectRef(coin));
    if (rest.length) tx.mergeCoins(primary, rest);
    return primary;
  }

  private async gasOf(owner: string): Promise<GasHint> {
    const hinted = this.gasHints.get(owner);
    if (hinted) return hinted;
    const coins = await this.gasCoins(owner);
    const listed = { coins, balance: coins.reduce((sum, coin) => sum + BigInt(coin.balance), 0n) };
    this.gasHints.set(owner, listed);
    return listed;
  }

  /**
   * After a settlement the wallet holds one coin: all of its coins went in, merged into the first
   * (as gas, or by the sponsored transaction's merge), and that one stays the wallet's.
   */
  private rememberGas(sender: string, executed: Executed): void {
    const tx = executed.Transaction ?? executed.FailedTransaction;
    const kept = tx.effects.changedObjects.filter((c) => c.outputOwner?.$kind === 'AddressOwner' && normalizeSuiAddress(c.outputOwner.AddressOwner) === sender);
    const before = this.gasHints.get(sender)?.balance;
    const change = tx.balanceChanges.find((c) => normalizeSuiAddress(c.address) === sender && c.coinType.endsWith('::sui::SUI'));
    const coin = kept.length === 1 ? kept[0] : undefined;
    if (coin?.outputVersion && coin.outputDigest && before !== undefined) {
      this.gasHints.set(sender, { coins: [{ objectId: coin.objectId, version: coin.outputVersion, digest: coin.outputDigest }], balance: before + BigInt(change?.amount ?? 0) });
    } else {
      this.gasHints.delete(sender);
    }
  }

  private async gasCoins(owner: string): Promise<SuiClientTypes.Coin[]> {
    const coins: SuiClientTypes.Coin[] = [];
    let cursor: string | null = null;
    do {
      const page: SuiClientTypes.ListCoinsResponse = await this.client.core.listCoins({ owner, cursor, limit: MAX_GAS_COINS - coins.length });
      coins.push(...page.objects);
      cursor = page.hasNextPage ? page.cursor : null;
    } while (cursor && coins.length < MAX_GAS_COINS);
    return coins;
  }

  private async referenceGasPrice(): Promise<bigint> {
    const now = this.clock.now();
    if (!this.gasPrice || this.gasPrice.until <= now) {
      const { referenceGasPrice } = await this.client.core.getReferenceGasPrice();
      this.gasPrice = { value: BigInt(referenceGasPrice), until: now + GAS_PRICE_TTL_MS };
    }
    return this.gasPrice.value;
  }

  private async submit(prepared: PreparedSettlement, lease: WalletLease, gas: ReservedGas | undefined): Promise<Executed> {
    if (Math.min(lease.remainingMs(), gas?.remainingMs() ?? Infinity) < this.submitTimeoutMs + LEASE_MARGIN_MS) {
      throw new SettlementError('WALLET_BUSY', 'the wallet or gas coin lease is too close to expiry to submit safely');
    }
    return this.client.core.executeTransaction({
      transaction: fromBase64(prepared.bytes),
      signatures: prepared.signatures,
      include: INCLUDE,
      signal: AbortSignal.timeout(this.submitTimeoutMs),
    });
  }

  private async lookup(digest: string): Promise<Executed | null> {
    try {
      return await this.client.core.getTransaction({ digest, include: INCLUDE });
    } catch (error) {
      if ((error as { reason?: string }).reason === 'notFound') return null;
      throw error;
    }
  }

  /** True when a coin the stored bytes spend has moved past the version they spend, so they can never run. */
  private async canNeverExecute(prepared: PreparedSettlement): Promise<boolean> {
    const data = TransactionDataBuilder.fromBytes(fromBase64(prepared.bytes));
    const inputs = data.inputs.flatMap((input) => (input.Object?.ImmOrOwnedObject ? [input.Object.ImmOrOwnedObject] : []));
    const refs = [...(data.gasData.payment ?? []), ...inputs];
    const { objects } = await this.client.core.getObjects({ objectIds: refs.map((ref) => ref.objectId) });
    return objects.some((object, i) =>
      object instanceof Error ? (object as { reason?: string }).reason === 'deleted' : BigInt(object.version) > BigInt(refs[i].version),
    );
  }

  private toResult(request: SettlementRequest, executed: Executed): SettlementResult {
    const tx = executed.Transaction ?? executed.FailedTransaction;
    const { computationCost, storageCost, storageRebate } = tx.effects.gasUsed;
    const gasFeeMist = String(BigInt(computationCost) + BigInt(storageCost) - BigInt(storageRebate));
    if (!tx.status.success) throw onChainFailure(tx.status.error.message, tx.digest, gasFeeMist);
    this.logger.log(`payment ${request.transactionId}: settled as ${tx.digest}`);
    return {
      transactionId: request.transactionId,
      txHash: tx.digest,
      status: 'success',
      amountMist: String(request.amountMist),
      gasFeeMist,
      gasUsed: { computationCost, storageCost, storageRebate },
      balanceChanges: tx.balanceChanges.map(({ address, coinType, amount }) => ({ address, coinType, amount })),
      senderBalanceMist: this.gasHints.get(normalizeSuiAddress(request.fromAddress))?.balance.toString() ?? null,
      checkpoint: tx.checkpoint,
      epoch: tx.epoch,
      network: this.network,
      explorerUrl: explorerUrl(this.network, tx.digest),
    };
  }
}

interface GasHint {
  coins: { objectId: string; version: string; digest: string }[];
  balance: bigint;
}

/** Never rejects, so it may be dropped unawaited; calling the result returns the value or rethrows. */
function later<T>(promise: Promise<T>): Promise<() => T> {
  return promise.then(
    (value) => () => value,
    (error: unknown) => () => {
      throw error;
    },
  );
}

function validate(request: SettlementRequest): void {
  if (request.amountMist <= 0n || request.amountMist > MAX_U64) {
    throw new SettlementError('INVALID_AMOUNT', `amount must be between 1 and ${MAX_U64} MIST, got ${request.amountMist}`);
  }
  if (request.fee && (request.fee.amountMist <= 0n || !isValidSuiAddress(request.fee.toAddress))) {
    throw new SettlementError('INVALID_AMOUNT', `invalid fee transfer: ${request.fee.amountMist} MIST to ${request.fee.toAddress}`);
  }
  if (!isValidSuiAddress(request.toAddress)) throw new SettlementError('INVALID_ADDRESS', `invalid Sui address: ${request.toAddress}`);
  if (!isValidSuiAddress(request.fromAddress)) throw new SettlementError('INVALID_ADDRESS', `invalid wallet address: ${request.fromAddress}`);
}
