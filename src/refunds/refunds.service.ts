import { createHash, randomBytes } from 'node:crypto';
import { InjectQueue } from '@nestjs/bull';
import { ConflictException, Inject, Injectable, Logger, NotFoundException } from '@nestjs/common';
import { EventEmitter2 } from '@nestjs/event-emitter';
import { InjectModel } from '@nestjs/mongoose';
import type { Queue } from 'bull';
import type { Model } from 'mongoose';
import { OUTFLOW_SETTLEMENT } from '../blockchain/blockchain.tokens';
import { SettlementError } from '../blockchain/settlement/settlement.error';
import type { SettlementService } from '../blockchain/settlement/settlement.service';
import { WalletService } from '../blockchain/wallets/wallet.service';
import { isAdmin, merchantOf, type Principal } from '../common/auth/principal';
import { isDuplicateKeyError } from '../common/database/duplicate-key';
import { paymentsConfig, type PaymentsConfig } from '../config/app.config';
import { MerchantsService } from '../merchants/merchants.service';
import { MerchantBalanceService } from '../merchants/money/merchant-balance.service';
import { merchantOutflowChain, MoneyChain, paymentRefundsChain } from '../merchants/money/money-chain';
import { MoneyOutbox, type MoneyOutboxEntry } from '../merchants/money/money-outbox';
import { hasLiveJob, type MoneyRepair, ORPHAN_ENTRY_MS } from '../merchants/money/money-repair';
import { Transaction } from '../payments/schemas/transaction.schema';
import type { CreateRefundDto, RefundDto } from './dto/refund.dto';
import { REFUND_UPDATED, type RefundEvent } from './refund.events';
import { Refund, RefundClaim } from './schemas/refund.schema';

export const REFUNDS_QUEUE = 'refunds';
export const REFUND_JOB = 'refund';
export const REFUND_ATTEMPTS = 5;

export type RefundOutcome = 'succeeded' | 'failed' | 'retry' | 'skipped';

/**
 * Refunds: several partial refunds of a completed payment, up to its amount, each from the
 * merchant's settlement wallet back to the cardholder's wallet exactly once. Asking reserves the
 * amount on two insert-only chains (the payment's refunds, the merchant's outflow) before the
 * refund exists, so no number of concurrent refunds and payouts takes more than is there.
 */
@Injectable()
export class RefundsService {
  private readonly logger = new Logger(RefundsService.name);

  constructor(
    @InjectModel(Refund.name) private readonly refunds: Model<Refund>,
    @InjectModel(RefundClaim.name) private readonly claims: Model<RefundClaim>,
    @InjectModel(Transaction.name) private readonly payments: Model<Transaction>,
    @InjectQueue(REFUNDS_QUEUE) private readonly queue: Queue<{ refundId: string }>,
    @Inject(OUTFLOW_SETTLEMENT) private readonly settlement: SettlementService,
    @Inject(paymentsConfig.KEY) private readonly config: PaymentsConfig,
    private readonly chains: MoneyChain,
    private readonly outbox: MoneyOutbox,
    private readonly balances: MerchantBalanceService,
    private readonly merchants: MerchantsService,
    private readonly wallets: WalletService,
    private readonly events: EventEmitter2,
  ) {}

  async create(transactionId: string, dto: CreateRefundDto, principal: Principal, idempotencyKey?: string): Promise<RefundDto> {
    const payment = await this.findVisible(transactionId, principal);
    const refundId = refundIdFor(principal, transactionId, idempotencyKey);
    const replay = idempotencyKey && (await this.refunds.findById(refundId).lean().exec());
    if (replay) return toRefundDto(replay);
    const settlementAddress = await this.assertRefundable(payment);
    const payer = await this.wallets.walletOf(payment.userId ?? '');
    if (!payer) throw new ConflictException({ code: 'payment_not_refundable', message: 'The cardholder has no wallet to refund to' });
    const amount = dto.amount ?? payment.amount - (await this.chains.total(paymentRefundsChain(transactionId)));
    if (amount < 1) throw exceedsRemaining();
    const reservationId = randomBytes(12).toString('hex');
    const chains = [paymentRefundsChain(transactionId), merchantOutflowChain(payment.merchantId)];
    await this.outbox.open({ _id: reservationId, kind: 'refund', opId: refundId, merchantId: payment.merchantId, chains, amount });
    await this.reserve(payment, reservationId, amount).catch(async (error: unknown) => {
      // Refused: nothing is held. Any other failure may have held one chain: the sweep gives it back.
      if (error instanceof ConflictException) await this.outbox.close(reservationId);
      throw error;
    });
    let refund: Refund;
    try {
      refund = (
        await this.refunds.create({
        _id: refundId,
        transactionId,
        merchantId: payment.merchantId,
        userId: payment.userId,
        cardUuid: payment.cardUuid,
        amount,
        amountMist: (BigInt(amount) * this.config.mistPerUnit).toString(),
        currency: payment.currency,
        reason: dto.reason,
        status: 'pending',
        reservationId,
        fromAddress: settlementAddress,
        toAddress: payer.address,
        requestedBy: `${principal.role}:${principal.id}`,
        })
      ).toObject();
    } catch (error) {
      await this.giveBack(payment.transactionId, payment.merchantId, reservationId, amount);
      await this.outbox.close(reservationId);
      if (!isDuplicateKeyError(error)) throw error;
      // The same Idempotency-Key at the same moment: the first one's refund is the answer.
      return toRefundDto((await this.refunds.findById(refundId).lean().exec())!);
    }
    // Written and reserved: the refund is accepted even if Redis is away now (the money outbox sweep queues it).
    await this.enqueue(refundId).catch((error: Error) => this.logger.warn(`refund ${refundId} not queued yet: ${error.message}`));
    this.emit(refund);
    return toRefundDto(refund);
  }

  /**
   * The money outbox sweep's part for a refund: a reservation whose refund was never written is
   * given back, a pending refund with no live job is queued again, and a decided one gets what its
   * outcome implies and is not done yet.
   */
  async repair(entry: MoneyOutboxEntry, ageMs: number): Promise<MoneyRepair> {
    const refund = await this.refunds.findById(entry.opId).lean().exec();
    if (!refund || refund.reservationId !== entry._id) {
      if (ageMs < ORPHAN_ENTRY_MS) return 'waiting';
      for (const chain of await this.outbox.reservedChains(entry)) await this.chains.release(chain, entry._id, entry.amount);
      await this.outbox.close(entry._id);
      return 'released';
    }
    const decided = await this.claims.findById(refund._id).lean().exec();
    if (decided) {
      await this.apply(refund, decided);
      return 'finished';
    }
    if (await hasLiveJob(this.queue, refund._id)) return 'waiting';
    await (await this.queue.getJob(refund._id))?.remove();
    await this.enqueue(refund._id);
    return 'requeued';
  }

  async list(transactionId: string, principal: Principal): Promise<RefundDto[]> {
    await this.findVisible(transactionId, principal, true);
    const refunds = await this.refunds.find({ transactionId }).sort({ createdAt: 1 }).limit(1000).lean().exec();
    return refunds.map(toRefundDto);
  }

  /** The job: the transfer exactly once (stored bytes + digest under the wallet's lease), then the outcome once. */
  async execute(refundId: string, lastAttempt: boolean): Promise<RefundOutcome> {
    const refund = await this.refunds.findById(refundId).lean().exec();
    if (!refund) return 'skipped';
    const decided = await this.claims.findById(refundId).lean().exec();
    if (decided) {
      await this.apply(refund, decided);
      return 'skipped';
    }
    try {
      const result = await this.settlement.settle({ transactionId: refundId, fromAddress: refund.fromAddress, toAddress: refund.toAddress, amountMist: BigInt(refund.amountMist) });
      await this.decide(refund, { _id: refundId, outcome: 'succeeded', txHash: result.txHash, at: new Date() });
      return 'succeeded';
    } catch (error) {
      const retryable = !(error instanceof SettlementError) || error.retryable;
      if (retryable && !lastAttempt) {
        this.logger.warn(`refund ${refundId}: attempt failed, will retry: ${(error as Error).message}`);
        return 'retry';
      }
      const failureReason = error instanceof SettlementError ? `${error.code}: ${error.message}` : `Refund failed: ${(error as Error).message}`;
      await this.decide(refund, { _id: refundId, outcome: 'failed', failureReason, at: new Date() });
      return 'failed';
    }
  }

  private async reserve(payment: Transaction, reservationId: string, amount: number): Promise<void> {
    const refundable = await this.chains.reserve(paymentRefundsChain(payment.transactionId), reservationId, amount, (total) => total <= payment.amount);
    if (!refundable) throw exceedsRemaining();
    const settled = await this.balances.settledNet(payment.merchantId);
    const covered = await this.chains.reserve(merchantOutflowChain(payment.merchantId), reservationId, amount, (total) => total <= settled);
    if (covered) return;
    await this.chains.release(paymentRefundsChain(payment.transactionId), reservationId, amount);
    throw new ConflictException({ code: 'insufficient_merchant_balance', message: "The merchant's available balance does not cover this refund" });
  }

  private async giveBack(transactionId: string, merchantId: string, reservationId: string, amount: number): Promise<void> {
    await this.chains.release(paymentRefundsChain(transactionId), reservationId, amount);
    await this.chains.release(merchantOutflowChain(merchantId), reservationId, amount);
  }

  /** The first outcome inserted is the outcome; anyone finishes applying it. */
  private async decide(refund: Refund, claim: RefundClaim): Promise<void> {
    let decided = claim;
    try {
      await this.claims.create(claim);
    } catch (error) {
      if (!isDuplicateKeyError(error)) throw error;
      decided = (await this.claims.findById(refund._id).lean().exec())!;
    }
    await this.apply(refund, decided);
  }

  /** Applies a decided outcome, then its effects (the webhook record among them) before the outbox entry closes, so a crash in between is repaired. */
  private async apply(refund: Refund, claim: RefundClaim): Promise<void> {
    if (claim.outcome === 'failed') await this.giveBack(refund.transactionId, refund.merchantId, refund.reservationId, refund.amount);
    let final: Refund | null = refund;
    if (refund.status === 'pending') {
      const fields = claim.outcome === 'succeeded' ? { status: 'succeeded' as const, txHash: claim.txHash, succeededAt: claim.at } : { status: 'failed' as const, failureReason: claim.failureReason, failedAt: claim.at };
      final = await this.refunds.findOneAndUpdate({ _id: refund._id }, { $set: fields }, { returnDocument: 'after' }).lean().exec();
    } else if (!(await this.outbox.isOpen(refund.reservationId))) return;
    if (!final) return;
    await this.events.emitAsync(REFUND_UPDATED, this.eventOf(final));
    await this.outbox.close(refund.reservationId);
  }

  private async enqueue(refundId: string): Promise<void> {
    await this.queue.add(REFUND_JOB, { refundId }, { jobId: refundId, attempts: REFUND_ATTEMPTS, backoff: { type: 'exponential', delay: 500 }, removeOnComplete: 1_000, removeOnFail: 5_000 });
  }

  /**
   * Refunds are the merchant's to make: its staff and terminals, and admins. A cardholder may list
   * the refunds of their own payment but never make one; another merchant's payment does not exist.
   */
  private async findVisible(transactionId: string, principal: Principal, cardholderMayRead = false): Promise<Transaction> {
    const payment = await this.payments.findById(transactionId).lean().exec();
    const visible = payment && (isAdmin(principal) || merchantOf(principal) === payment.merchantId || (cardholderMayRead && principal.role === 'user' && payment.userId === principal.id));
    if (!payment || !visible) throw new NotFoundException('Transaction not found');
    return payment;
  }

  /** The settlement wallet the payment's money is in; 409 for anything that cannot be refunded. */
  private async assertRefundable(payment: Transaction): Promise<string> {
    if (payment.status !== 'completed') {
      const instead = payment.status === 'pending' ? '; a pending payment can be cancelled instead (POST /api/payment/:transactionId/cancel)' : '';
      throw new ConflictException({ code: 'payment_not_refundable', message: `Only a completed payment can be refunded; this one is ${payment.status}${instead}` });
    }
    const settlementAddress = await this.merchants.settlementAddressOf(payment.merchantId);
    if (payment.merchantWalletAddress !== settlementAddress) {
      throw new ConflictException({ code: 'payment_not_refundable', message: "This payment settled to the merchant's own wallet, before settlement wallets; the platform cannot refund it" });
    }
    return settlementAddress;
  }

  private emit(refund: Refund): void {
    this.events.emit(REFUND_UPDATED, this.eventOf(refund));
  }

  private eventOf(refund: Refund): RefundEvent {
    return {
      refundId: refund._id,
      transactionId: refund.transactionId,
      merchantId: refund.merchantId,
      ...(refund.userId && { userId: refund.userId }),
      cardUuid: refund.cardUuid,
      amount: refund.amount,
      amountMist: refund.amountMist,
      currency: refund.currency,
      status: refund.status,
      ...(refund.reason && { reason: refund.reason }),
      ...(refund.requestedBy && { requestedBy: refund.requestedBy }),
      ...(refund.txHash && { txHash: refund.txHash }),
      ...(refund.failureReason && { failureReason: refund.failureReason }),
      at: new Date(),
    };
  }
}

const exceedsRemaining = () => new ConflictException({ code: 'refund_exceeds_remaining', message: 'The refund is more than what remains refundable of this payment' });

/** With an Idempotency-Key the id is derived from it (per caller and payment), so a repeat finds the first refund. */
function refundIdFor(principal: Principal, transactionId: string, idempotencyKey?: string): string {
  if (!idempotencyKey) return `rf_${randomBytes(12).toString('hex')}`;
  return `rf_${createHash('sha256').update(`${principal.role}:${principal.id}|${transactionId}|${idempotencyKey}`).digest('hex').slice(0, 24)}`;
}

export function toRefundDto(refund: Refund): RefundDto {
  return {
    id: refund._id,
    transactionId: refund.transactionId,
    amount: refund.amount,
    currency: refund.currency,
    status: refund.status,
    reason: refund.reason ?? null,
    txHash: refund.txHash ?? null,
    failureReason: refund.failureReason ?? null,
    createdAt: refund.createdAt,
  };
}
