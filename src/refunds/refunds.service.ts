import { createHash, randomBytes } from 'node:crypto';
import { InjectQueue } from '@nestjs/bull';
import { ConflictException, Inject, Injectable, Logger, NotFoundException } from '@nestjs/common';
import { EventEmitter2 } from '@nestjs/event-emitter';
import { InjectModel } from '@nestjs/mongoose';
import type { Queue } from 'bull';
import type { Model } from 'mongoose';
import { OUTFLOW_SETTLEMENT } from '../blockchain/blockchain.tokens';
import type { SettlementService } from '../blockchain/settlement/settlement.service';
import { WalletService } from '../blockchain/wallets/wallet.service';
import { isAdmin, merchantOf, type Principal } from '../common/auth/principal';
import { isDuplicateKeyError } from '../common/database/duplicate-key';
import { paymentsConfig, type PaymentsConfig } from '../config/app.config';
import { MerchantsService } from '../merchants/merchants.service';
import { MerchantBalanceService } from '../merchants/money/merchant-balance.service';
import { merchantOutflowChain, MoneyChain, paymentRefundsChain } from '../merchants/money/money-chain';
import { MoneyOutbox, type MoneyOutboxEntry } from '../merchants/money/money-outbox';
import { MoneyOutflow, type OutflowResult } from '../merchants/money/money-outflow';
import type { MoneyRepair } from '../merchants/money/money-repair';
import { Transaction } from '../payments/schemas/transaction.schema';
import type { CreateRefundDto, RefundDto } from './dto/refund.dto';
import { REFUND_UPDATED, type RefundEvent } from './refund.events';
import { Refund, RefundClaim, RefundCommitment } from './schemas/refund.schema';

export const REFUNDS_QUEUE = 'refunds';
export const REFUND_JOB = 'refund';
export const REFUND_ATTEMPTS = 5;

export type RefundOutcome = OutflowResult<RefundClaim>;

/**
 * Refunds: several partial refunds of a completed payment, up to its amount, each from the
 * merchant's settlement wallet back to the cardholder's wallet exactly once. Asking reserves the
 * amount on two insert-only chains (the payment's refunds, the merchant's outflow) before the
 * refund exists, so no number of concurrent refunds and payouts takes more than is there.
 */
@Injectable()
export class RefundsService {
  private readonly outflow: MoneyOutflow<Refund, RefundClaim>;

  constructor(
    @InjectModel(Refund.name) private readonly refunds: Model<Refund>,
    @InjectModel(RefundClaim.name) private readonly claims: Model<RefundClaim>,
    @InjectModel(RefundCommitment.name) private readonly commitments: Model<RefundCommitment>,
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
  ) {
    this.outflow = new MoneyOutflow(
      {
        label: 'refund',
        records: refunds,
        claims,
        queue,
        jobName: REFUND_JOB,
        jobData: (refundId) => ({ refundId }),
        attempts: REFUND_ATTEMPTS,
        landed: 'succeeded',
        giveBack: (refund) => this.giveBack(refund.transactionId, refund.merchantId, refund.reservationId, refund.amount),
        finalFields,
        accepted: (refund) => this.events.emit(REFUND_UPDATED, this.eventOf(refund)),
        finished: (refund) => this.events.emitAsync(REFUND_UPDATED, this.eventOf(refund)),
      },
      settlement,
      outbox,
      chains,
      new Logger(RefundsService.name),
    );
  }

  async create(transactionId: string, dto: CreateRefundDto, principal: Principal, idempotencyKey?: string): Promise<RefundDto> {
    const payment = await this.findVisible(transactionId, principal);
    const refundId = refundIdFor(principal, transactionId, idempotencyKey);
    const replay = idempotencyKey && (await this.refunds.findById(refundId).lean().exec());
    // The key names one refund: another amount or reason under it is a mistake to refuse, not the first refund to answer.
    if (replay && ((dto.amount !== undefined && dto.amount !== replay.amount) || (dto.reason ?? null) !== (replay.reason ?? null))) throw keyReusedWithAnotherBody();
    if (replay) return toRefundDto(replay);
    const settlementAddress = await this.assertRefundable(payment);
    const payer = await this.wallets.walletOf(payment.userId ?? '');
    if (!payer) throw new ConflictException({ code: 'payment_not_refundable', message: 'The cardholder has no wallet to refund to' });
    const amount = dto.amount ?? payment.amount - (await this.chains.total(paymentRefundsChain(transactionId)));
    if (amount < 1) throw exceedsRemaining();
    const reservationId = await this.hold(payment, refundId, amount);
    const refund = await this.outflow.record({
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
    });
    return toRefundDto(refund);
  }

  /** The money outbox sweep's part for a refund (see MoneyOutflow.repair). */
  repair(entry: MoneyOutboxEntry, ageMs: number): Promise<MoneyRepair> {
    return this.outflow.repair(entry, ageMs);
  }

  async list(transactionId: string, principal: Principal): Promise<RefundDto[]> {
    await this.findVisible(transactionId, principal, true);
    const refunds = await this.refunds.find({ transactionId }).sort({ createdAt: 1 }).limit(1000).lean().exec();
    return refunds.map(toRefundDto);
  }

  /**
   * Cancels a pending refund whose transfer has not started (Stripe's `canceled`): the reservation
   * goes back and the job, whenever it runs, finds the refund decided. Once its job has committed
   * to the transfer the money may be on its way, so 409; canceling a canceled refund answers it again.
   */
  async cancel(transactionId: string, refundId: string, principal: Principal): Promise<RefundDto> {
    await this.findVisible(transactionId, principal);
    const refund = await this.refunds.findById(refundId).lean().exec();
    if (!refund || refund.transactionId !== transactionId) throw new NotFoundException('Refund not found');
    if (refund.status === 'canceled') return toRefundDto(refund);
    if (refund.status !== 'pending' || (await this.commit(refundId, 'cancel')) !== 'cancel') throw notCancelable(refund.status);
    await this.outflow.decide(refund, canceled(refundId));
    const final = (await this.refunds.findById(refundId).lean().exec())!;
    // Only a refund decided before commitments existed can get here with another outcome.
    if (final.status !== 'canceled') throw notCancelable(final.status);
    return toRefundDto(final);
  }

  /** The job: the transfer exactly once, unless a cancel committed first. */
  execute(refundId: string, lastAttempt: boolean): Promise<RefundOutcome> {
    // Canceled first: the cancel may have died before recording its outcome, so it is recorded here too.
    return this.outflow.transfer(refundId, lastAttempt, async () => ((await this.commit(refundId, 'transfer')) === 'cancel' ? canceled(refundId) : null));
  }

  /** The money outbox entry first, then the reservation on both chains; a refusal leaves nothing held. */
  private async hold(payment: Transaction, refundId: string, amount: number): Promise<string> {
    const reservationId = randomBytes(12).toString('hex');
    const chains = [paymentRefundsChain(payment.transactionId), merchantOutflowChain(payment.merchantId)];
    await this.outbox.open({ _id: reservationId, kind: 'refund', opId: refundId, merchantId: payment.merchantId, chains, amount });
    await this.reserve(payment, reservationId, amount).catch(async (error: unknown) => {
      // Refused: nothing is held. Any other failure may have held one chain: the sweep gives it back.
      if (error instanceof ConflictException) await this.outbox.close(reservationId);
      throw error;
    });
    return reservationId;
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

  /** Whichever of the transfer and a cancel inserts first is what happens; returns that decision. */
  private async commit(refundId: string, decision: RefundCommitment['decision']): Promise<RefundCommitment['decision']> {
    try {
      await this.commitments.create({ _id: refundId, decision, at: new Date() });
      return decision;
    } catch (error) {
      if (!isDuplicateKeyError(error)) throw error;
      return (await this.commitments.findById(refundId).lean().exec())!.decision;
    }
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

function finalFields(claim: RefundClaim): Partial<Refund> {
  if (claim.outcome === 'succeeded') return { status: 'succeeded', txHash: claim.txHash, succeededAt: claim.at };
  if (claim.outcome === 'failed') return { status: 'failed', failureReason: claim.failureReason, failedAt: claim.at };
  return { status: 'canceled', canceledAt: claim.at };
}

const canceled = (refundId: string): RefundClaim => ({ _id: refundId, outcome: 'canceled', at: new Date() });

const notCancelable = (status: string) =>
  new ConflictException({
    code: 'refund_not_cancelable',
    message: status === 'pending' ? 'This refund is already being sent on chain; it can no longer be canceled' : `Only a pending refund can be canceled; this one is ${status}`,
  });

const keyReusedWithAnotherBody = () => new ConflictException({ code: 'idempotency_key_reused', message: 'This Idempotency-Key was already used with a different request body' });

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
    ...(refund.succeededAt && { succeededAt: refund.succeededAt }),
    ...(refund.failedAt && { failedAt: refund.failedAt }),
    ...(refund.canceledAt && { canceledAt: refund.canceledAt }),
  };
}
