import { Inject, Injectable, Logger } from '@nestjs/common';
import type { ClientWithCoreApi, SuiClientTypes } from '@mysten/sui/client';
import { Transaction, TransactionDataBuilder } from '@mysten/sui/transactions';
import { fromBase64, isValidSuiAddress, normalizeSuiAddress, toBase64 } from '@mysten/sui/utils';
import { LEASE_MARGIN_MS } from '../blockchain.config';
import { SETTLEMENT_ATTEMPT_STORE, SETTLEMENT_OPTIONS, SUI_CLIENT } from '../blockchain.tokens';
import { Clock, systemClock } from '../clock';
import { WalletService } from '../wallets/wallet.service';
import { classifyFailure, onChainFailure } from './classify-failure';
import { explorerUrl } from './explorer-url';
import { SettlementError } from './settlement.error';
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

/**
 * Moves money exactly once per payment. The transaction is built with everything preset (sender,
 * gas price, budget, gas coins), signed, and its bytes stored before the first submission; every
 * later attempt looks the stored digest up and, if the chain has not seen it, submits those same
 * bytes again. A new transaction is built only when the stored one can provably never execute
 * (one of its gas coins was consumed at its version by something else). Settlements of one wallet
 * run one at a time under a lease, so two unfinished transactions never use the same coin and
 * nothing is ever rejected for equivocation.
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
    let prepared = await attempts.loadPrepared(request.transactionId);
    if (prepared) {
      const landed = await this.lookup(prepared.digest);
      if (landed) return landed;
      this.logger.log(`payment ${request.transactionId}: resubmitting stored transaction ${prepared.digest}`);
    } else {
      prepared = await attempts.savePrepared(request.transactionId, await this.prepare(request), null);
    }
    for (let rebuilt = false; ; rebuilt = true) {
      try {
        return await this.submit(prepared, lease);
      } catch (error) {
        const failure = classifyFailure(error);
        if (failure.code !== 'STALE_OBJECT' || rebuilt) throw failure;
        const landed = await this.lookup(prepared.digest);
        if (landed) return landed;
        if (!(await this.canNeverExecute(prepared))) throw failure;
        this.gasHints.delete(normalizeSuiAddress(request.fromAddress));
        this.logger.warn(`payment ${request.transactionId}: ${prepared.digest} can no longer execute (${failure.message}); building a replacement`);
        prepared = await attempts.savePrepared(request.transactionId, await this.prepare(request), prepared.digest);
      }
    }
  }

  private async prepare(request: SettlementRequest): Promise<PreparedSettlement> {
    const sender = normalizeSuiAddress(request.fromAddress);
    const [signer, { coins, balance }, gasPrice] = await Promise.all([this.wallets.signerFor(sender), this.gasOf(sender), this.referenceGasPrice()]);
    if (balance < request.amountMist + this.gasBudget) {
      throw new SettlementError(
        'INSUFFICIENT_BALANCE',
        `wallet ${sender} holds ${balance} MIST; ${request.amountMist} MIST plus up to ${this.gasBudget} MIST of gas are needed`,
      );
    }
    const tx = new Transaction();
    tx.setSender(sender);
    tx.setGasPrice(gasPrice);
    tx.setGasBudget(this.gasBudget);
    tx.setGasPayment(coins.map(({ objectId, version, digest }) => ({ objectId, version, digest })));
    const [payment] = tx.splitCoins(tx.gas, [tx.pure.u64(request.amountMist)]);
    tx.transferObjects([payment], tx.pure.address(normalizeSuiAddress(request.toAddress)));
    const bytes = await tx.build({ client: this.client });
    const { signature } = await signer.signTransaction(bytes);
    return { digest: TransactionDataBuilder.getDigestFromBytes(bytes), bytes: toBase64(bytes), signatures: [signature] };
  }

  private async gasOf(owner: string): Promise<GasHint> {
    const hinted = this.gasHints.get(owner);
    if (hinted) return hinted;
    const coins = await this.gasCoins(owner);
    const listed = { coins, balance: coins.reduce((sum, coin) => sum + BigInt(coin.balance), 0n) };
    this.gasHints.set(owner, listed);
    return listed;
  }

  /** After a transaction the sender's gas coins are merged into the first, at its new version. */
  private rememberGas(sender: string, executed: Executed): void {
    const tx = executed.Transaction ?? executed.FailedTransaction;
    const gas = tx.effects.gasObject;
    const before = this.gasHints.get(sender)?.balance;
    const change = tx.balanceChanges.find((c) => normalizeSuiAddress(c.address) === sender && c.coinType.endsWith('::sui::SUI'));
    if (gas?.outputVersion && gas.outputDigest && before !== undefined && change) {
      this.gasHints.set(sender, { coins: [{ objectId: gas.objectId, version: gas.outputVersion, digest: gas.outputDigest }], balance: before + BigInt(change.amount) });
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

  private async submit(prepared: PreparedSettlement, lease: WalletLease): Promise<Executed> {
    if (lease.remainingMs() < this.submitTimeoutMs + LEASE_MARGIN_MS) {
      throw new SettlementError('WALLET_BUSY', 'the wallet lease is too close to expiry to submit safely');
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

  /** True when a gas coin of the stored bytes has moved past the version they spend, so they can never run. */
  private async canNeverExecute(prepared: PreparedSettlement): Promise<boolean> {
    const refs = TransactionDataBuilder.fromBytes(fromBase64(prepared.bytes)).gasData.payment ?? [];
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

function validate(request: SettlementRequest): void {
  if (request.amountMist <= 0n || request.amountMist > MAX_U64) {
    throw new SettlementError('INVALID_AMOUNT', `amount must be between 1 and ${MAX_U64} MIST, got ${request.amountMist}`);
  }
  if (!isValidSuiAddress(request.toAddress)) throw new SettlementError('INVALID_ADDRESS', `invalid Sui address: ${request.toAddress}`);
  if (!isValidSuiAddress(request.fromAddress)) throw new SettlementError('INVALID_ADDRESS', `invalid wallet address: ${request.fromAddress}`);
}
