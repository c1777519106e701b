import { maskedCard } from './card-references';
import { publicFailureReason } from './failure-reasons';
import type { PaymentStatus } from './payment-state';
import type { PinOutcome } from './payment-transactions.repository';
import type { Transaction } from './schemas/transaction.schema';

export const PAYMENT_UPDATED = 'payment.updated';
export const PAYMENT_COMPLETED = 'payment.completed';
export const PAYMENT_FAILED = 'payment.failed';
export const PAYMENT_CANCELLED = 'payment.cancelled';
/** A tap needs the cardholder's PIN at the terminal (status requires_pin, until `pinExpiresAt`). */
export const PAYMENT_REQUIRES_PIN = 'payment.requires_pin';
/** A payment waiting for its PIN was decided: verified, declined (wrong PINs, a blocked card) or expired. */
export const PAYMENT_PIN_DECIDED = 'payment.pin_decided';
/** A tap the terminal took offline was declined when it arrived: the merchant carries it. */
export const PAYMENT_OFFLINE_DECLINED = 'payment.offline_declined';

/**
 * A payment changed status. Realtime turns these into socket events for the cardholder and the
 * merchant; notifications into webhooks and alerts. Carries ids and public facts only.
 */
export interface PaymentEvent {
  transactionId: string;
  status: PaymentStatus;
  cardUuid: string;
  /** The card as the merchant sees it: the only card id that may reach the merchant side. */
  cardRef?: string;
  userId?: string;
  merchantId: string;
  terminalId: string;
  amount: number;
  currency: string;
  amountMist?: string;
  txHash?: string;
  explorerUrl?: string | null;
  /** After a completed payment: the payer's wallet and its balance, when the settlement knew it. */
  payerWallet?: string;
  payerBalanceMist?: string;
  /** A code and plain words (the stored details stay with admins and logs). */
  reason?: string;
  /** A payment that waited for its PIN and ended declined or expired: why (pin_tries_exceeded, pin_expired, ...). */
  declineCode?: string;
  createdAt: Date;
  completedAt?: Date;
  failedAt?: Date;
  cancelledAt?: Date;
  expiredAt?: Date;
  /** While requires_pin: when the PIN must have been entered by. */
  pinExpiresAt?: Date;
  at: Date;
}

export function toPaymentEvent(tx: Transaction, at: Date): PaymentEvent {
  return {
    transactionId: tx.transactionId,
    status: tx.status,
    cardUuid: tx.cardUuid,
    cardRef: tx.cardRef ?? maskedCard(tx.cardUuid),
    ...(tx.userId && { userId: tx.userId }),
    merchantId: tx.merchantId,
    terminalId: tx.terminalId,
    amount: tx.amount,
    currency: tx.currency,
    ...(tx.amountMist && { amountMist: tx.amountMist }),
    ...(tx.txHash && { txHash: tx.txHash, explorerUrl: tx.explorerUrl ?? null }),
    ...(typeof tx.chain?.payerWallet === 'string' && { payerWallet: tx.chain.payerWallet }),
    ...(typeof tx.chain?.payerBalanceMist === 'string' && { payerBalanceMist: tx.chain.payerBalanceMist }),
    ...(tx.failureReason && { reason: publicFailureReason(tx) }),
    ...(tx.declineCode && { declineCode: tx.declineCode }),
    createdAt: tx.createdAt,
    ...(tx.completedAt && { completedAt: tx.completedAt }),
    ...(tx.failedAt && { failedAt: tx.failedAt }),
    ...(tx.cancelledAt && { cancelledAt: tx.cancelledAt }),
    ...(tx.expiredAt && { expiredAt: tx.expiredAt }),
    ...(tx.status === 'requires_pin' && tx.pinExpiresAt && { pinExpiresAt: tx.pinExpiresAt }),
    at,
  };
}

export interface PinDecidedEvent {
  transactionId: string;
  outcome: PinOutcome;
  at: Date;
}
