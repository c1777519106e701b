import { InjectQueue } from '@nestjs/bull';
import { BadRequestException, ConflictException, ForbiddenException, Injectable, NotFoundException } from '@nestjs/common';
import type { Queue } from 'bull';
import { InjectModel } from '@nestjs/mongoose';
import type { Model, QueryFilter } from 'mongoose';
import { Refund } from '../refunds/schemas/refund.schema';
import { toRefundDto } from '../refunds/refunds.service';
import { isAdmin, merchantOf, Principal } from '../common/auth/principal';
import { CardReferences } from './card-references';
import { QueueCountsDto, TransactionHistoryQueryDto, TransactionStatusDto } from './dto/payment-query.dto';
import { publicFailureReason } from './failure-reasons';
import { PaymentFinalizer } from './payment-finalizer';
import { NOTIFICATIONS_QUEUE } from '../notifications/notifications.constants';
import { PAYMENTS_QUEUE, PaymentQueue } from './payment-queue';
import { PaymentTransactionsRepository } from './payment-transactions.repository';
import { Transaction } from './schemas/transaction.schema';

const DEFAULT_PAGE = 20;

/** Reading and operating payments: status, history, cancel, queue health. Accepting and settling are use cases. */
@Injectable()
export class PaymentsService {
  constructor(
    private readonly transactions: PaymentTransactionsRepository,
    private readonly finalizer: PaymentFinalizer,
    private readonly paymentQueue: PaymentQueue,
    private readonly cardRefs: CardReferences,
    @InjectQueue(PAYMENTS_QUEUE) private readonly payments: Queue,
    @InjectQueue(NOTIFICATIONS_QUEUE) private readonly notifications: Queue,
    @InjectModel(Refund.name) private readonly refunds: Model<Refund>,
  ) {}

  async status(transactionId: string, principal: Principal): Promise<TransactionStatusDto> {
    const payment = await this.findVisible(transactionId, principal);
    const refunds = payment.status === 'completed' ? await this.refunds.find({ transactionId }).sort({ createdAt: 1 }).limit(1000).lean().exec() : [];
    return { ...toStatusDto(this.asSeenBy(payment, principal), principal), refunds: refunds.map(toRefundDto) };
  }

  /** The payment as `principal` may watch it, or null (a read-only question for realtime room checks). */
  async visibleTransaction(transactionId: string, principal: Principal): Promise<Transaction | null> {
    const payment = await this.transactions.find(transactionId);
    return payment && mayView(payment, principal) ? this.asSeenBy(payment, principal) : null;
  }

  async history(query: TransactionHistoryQueryDto, principal: Principal): Promise<{ transactions: TransactionStatusDto[]; nextCursor: string | null }> {
    const limit = query.limit ?? DEFAULT_PAGE;
    const filter: QueryFilter<Transaction> = { ...scopeOf(principal) };
    // The merchant side knows cards only by reference: a card id it names matches nothing.
    if (query.cardUuid) filter[merchantOf(principal) ? 'cardRef' : 'cardUuid'] = query.cardUuid;
    if (query.status) filter.status = query.status;
    if (query.from || query.to) filter.createdAt = { ...(query.from && { $gte: query.from }), ...(query.to && { $lt: query.to }) };
    if (query.cursor) Object.assign(filter, afterCursor(query.cursor));
    const page = await this.transactions.findMany(filter, limit + 1);
    const items = page.slice(0, limit);
    const last = items.at(-1);
    return { transactions: items.map((payment) => toStatusDto(this.asSeenBy(payment, principal), principal)), nextCursor: page.length > limit && last ? cursorOf(last) : null };
  }

  /** Cancels a payment whose settlement has not started: the start claim decides a race with the worker. */
  async cancel(transactionId: string, principal: Principal): Promise<TransactionStatusDto> {
    const payment = await this.findVisible(transactionId, principal);
    if (!mayCancel(payment, principal)) throw new ForbiddenException('Only whoever took this payment (or its merchant) can cancel it');
    const notPending = new ConflictException('Only a pending payment can be cancelled');
    if (payment.status !== 'pending') throw notPending;
    if ((await this.transactions.claimStart(transactionId, 'cancellation')) !== 'cancellation') throw notPending;
    const cancelled = await this.finalizer.cancel(transactionId);
    if (!cancelled) throw notPending;
    await this.paymentQueue.removeJob(transactionId);
    return toStatusDto(this.asSeenBy(cancelled, principal), principal);
  }

  async queueStatus(): Promise<Record<string, QueueCountsDto>> {
    const [payments, notifications] = await Promise.all([countsOf(this.payments), countsOf(this.notifications)]);
    return { payments, notifications };
  }

  /** Someone else's payment answers exactly like one that does not exist. */
  private async findVisible(transactionId: string, principal: Principal): Promise<Transaction> {
    const payment = await this.transactions.find(transactionId);
    if (!payment || !mayView(payment, principal)) throw new NotFoundException('Transaction not found');
    return payment;
  }

  /**
   * Admins see the record whole. Others see why it failed in a code and plain words; the merchant
   * side sees the card only as its masked reference (the card id is all a charge needs).
   */
  private asSeenBy(payment: Transaction, principal: Principal): Transaction {
    if (isAdmin(principal)) return payment;
    const seen = { ...payment, failureReason: publicFailureReason(payment) };
    return merchantOf(principal) ? { ...seen, cardUuid: this.cardRefs.of(payment.merchantId, payment.cardUuid), metadata: withoutCardUid(payment.metadata) } : seen;
  }
}

/** A secure card's UID names the card as surely as its id: the merchant side sees only the counter and key version. */
function withoutCardUid(metadata: Transaction['metadata']): Transaction['metadata'] {
  const cardAuth = metadata?.cardAuth as Record<string, unknown> | undefined;
  if (!cardAuth) return metadata;
  const { uid: _uid, ...rest } = cardAuth;
  return { ...metadata, cardAuth: rest };
}

function mayView(payment: Transaction, principal: Principal): boolean {
  if (isAdmin(principal)) return true;
  if (merchantOf(principal)) return payment.merchantId === merchantOf(principal);
  return payment.userId === principal.id;
}

/**
 * A payment is cancelled by whoever took it: the merchant (any of its terminals or staff) or the cardholder
 * who initiated it themselves. A cardholder cannot void what a merchant's terminal accepted.
 */
function mayCancel(payment: Transaction, principal: Principal): boolean {
  if (isAdmin(principal)) return true;
  if (merchantOf(principal)) return payment.merchantId === merchantOf(principal);
  return payment.initiatedBy === `user:${principal.id}`;
}

function scopeOf(principal: Principal): QueryFilter<Transaction> {
  if (isAdmin(principal)) return {};
  if (merchantOf(principal)) return { merchantId: merchantOf(principal) };
  return { userId: principal.id };
}

function cursorOf(payment: Transaction): string {
  return Buffer.from(`${payment.createdAt.getTime()}|${payment.transactionId}`).toString('base64url');
}

function afterCursor(cursor: string): QueryFilter<Transaction> {
  const [millis, transactionId] = Buffer.from(cursor, 'base64url').toString().split('|');
  const createdAt = new Date(Number(millis));
  if (!transactionId || Number.isNaN(createdAt.getTime())) {
    throw new BadRequestException({ message: 'Validation failed', details: [{ field: 'cursor', errors: ['cursor is not one this API gave out'] }] });
  }
  return { $or: [{ createdAt: { $lt: createdAt } }, { createdAt, transactionId: { $lt: transactionId } }] };
}

async function countsOf(queue: Queue): Promise<QueueCountsDto> {
  try {
    const [counts, paused] = await Promise.all([queue.getJobCounts(), queue.isPaused()]);
    return { status: paused ? 'paused' : 'healthy', waiting: counts.waiting, active: counts.active, completed: counts.completed, failed: counts.failed, delayed: counts.delayed, paused: (counts as { paused?: number }).paused ?? 0 };
  } catch {
    return { status: 'unavailable', waiting: 0, active: 0, completed: 0, failed: 0, delayed: 0, paused: 0 };
  }
}

/** `payment` as asSeenBy gave it; admins also get the fraud assessment's details. */
function toStatusDto(payment: Transaction, principal: Principal): TransactionStatusDto {
  const processingMs = payment.completedAt ? new Date(payment.completedAt).getTime() - new Date(payment.createdAt).getTime() : null;
  return {
    id: payment.transactionId,
    status: payment.status,
    cardUuid: payment.cardUuid,
    merchantId: payment.merchantId,
    terminalId: payment.terminalId,
    amount: payment.amount,
    currency: payment.currency,
    txHash: payment.txHash ?? null,
    createdAt: payment.createdAt,
    processingStartedAt: payment.processingStartedAt ?? null,
    completedAt: payment.completedAt ?? null,
    ...(payment.failedAt && { failedAt: payment.failedAt }),
    ...(payment.cancelledAt && { cancelledAt: payment.cancelledAt }),
    ...(payment.expiredAt && { expiredAt: payment.expiredAt }),
    processingTime: processingMs === null ? null : `${processingMs}ms`,
    failureReason: payment.failureReason ?? null,
    declineCode: payment.declineCode ?? null,
    explorerUrl: payment.explorerUrl ?? null,
    gasFeeMist: payment.gasFeeMist ?? null,
    metadata: payment.metadata ?? {},
    ...(payment.fee !== undefined && { fee: payment.fee, net: payment.net }),
    ...(isAdmin(principal) && payment.fraud && { fraud: adminFraudView(payment.fraud) }),
    ...offlineView(payment),
    ...(payment.status === 'requires_pin' && payment.pinExpiresAt && { nextAction: { type: 'enter_pin' as const, expiresAt: payment.pinExpiresAt } }),
  };
}

function offlineView(payment: Transaction): Pick<TransactionStatusDto, 'offline'> {
  const offline = payment.metadata?.offline as { capturedAt: string; sequence: number } | undefined;
  return offline ? { offline: { capturedAt: offline.capturedAt, sequence: offline.sequence } } : {};
}

/** The rules' verdict, and the fraud model's view when one ran. */
function adminFraudView(fraud: NonNullable<Transaction['fraud']>) {
  const { score, decision, reasons, riskScore, riskLevel, modelVersion, modelEnforced, topFeatures } = fraud;
  return { score, decision, reasons, ...(riskScore !== undefined && { riskScore, riskLevel, modelVersion, modelEnforced, topFeatures }) };
}
