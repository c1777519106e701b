import type { CardUpdatedEvent } from '../cards/card.events';
import type { PaymentEvent } from '../payments/payment.events';
import type { TransactionView } from './realtime.ports';

/**
 * Builders of the server events' payloads. Field names are the seed's contract; the extra fields
 * (currency, amountMist, …) are additions a client may ignore. `amount` is in the card currency's
 * minor unit (VND), as everywhere in the API; `amountMist` is what moved on Sui.
 */

export const FINAL_STATUSES = ['completed', 'failed', 'cancelled', 'declined', 'expired'] as const;
export const isFinalStatus = (status: string) => (FINAL_STATUSES as readonly string[]).includes(status);

/** The facts about a payment both a domain event and a stored record give. */
type PaymentFacts = Pick<TransactionView, 'transactionId' | 'status' | 'cardUuid' | 'merchantId' | 'terminalId' | 'amount' | 'currency' | 'amountMist' | 'txHash' | 'explorerUrl' | 'completedAt' | 'failedAt' | 'cancelledAt'> & {
  expiredAt?: Date;
  reason?: string;
  cardRef?: string;
};

export function fromPaymentEvent(event: PaymentEvent): PaymentFacts {
  return { ...event };
}

export function fromTransaction(tx: TransactionView): PaymentFacts {
  return {
    transactionId: tx.transactionId,
    status: tx.status,
    cardUuid: tx.cardUuid,
    merchantId: tx.merchantId,
    terminalId: tx.terminalId,
    amount: tx.amount,
    currency: tx.currency,
    amountMist: tx.amountMist,
    txHash: tx.txHash,
    explorerUrl: tx.explorerUrl,
    completedAt: tx.completedAt,
    failedAt: tx.failedAt,
    cancelledAt: tx.cancelledAt,
    reason: tx.failureReason,
  };
}

export function transactionUpdatePayload(facts: PaymentFacts, timestamp: Date) {
  return {
    transactionId: facts.transactionId,
    status: facts.status,
    // Sent to the merchant's room too: the card only as the merchant may see it.
    cardUuid: facts.cardRef ?? `****${facts.cardUuid.slice(-4)}`,
    merchantId: facts.merchantId,
    terminalId: facts.terminalId,
    amount: facts.amount,
    currency: facts.currency,
    ...(facts.txHash && { txHash: facts.txHash }),
    timestamp,
  };
}

export function transactionCompletedPayload(facts: PaymentFacts, timestamp: Date) {
  return {
    transactionId: facts.transactionId,
    status: 'completed' as const,
    txHash: facts.txHash ?? null,
    amount: facts.amount,
    currency: facts.currency,
    amountMist: facts.amountMist ?? null,
    explorerUrl: facts.explorerUrl ?? null,
    completedAt: facts.completedAt ?? timestamp,
    timestamp,
  };
}

/** To the terminal that took the tap: ask for the PIN before `expiresAt`. The card is not named. */
export function transactionRequiresPinPayload(event: PaymentEvent, timestamp: Date) {
  return {
    transactionId: event.transactionId,
    status: 'requires_pin' as const,
    merchantId: event.merchantId,
    terminalId: event.terminalId,
    amount: event.amount,
    currency: event.currency,
    nextAction: { type: 'enter_pin' as const, expiresAt: event.pinExpiresAt },
    timestamp,
  };
}

/** `failed`, and also `cancelled`/`declined`/`expired`: every final state that is not a completion. */
export function transactionFailedPayload(facts: PaymentFacts, timestamp: Date) {
  const reason = facts.reason ?? (facts.status === 'cancelled' ? 'Payment cancelled' : facts.status === 'declined' ? 'Payment declined' : facts.status === 'expired' ? 'No PIN entered in time' : 'Payment failed');
  return {
    transactionId: facts.transactionId,
    status: facts.status,
    reason,
    failedAt: facts.failedAt ?? facts.cancelledAt ?? facts.expiredAt ?? timestamp,
    timestamp,
  };
}

/** The final event (name and payload) for a payment in a final state, or undefined while it runs. */
export function finalEventOf(facts: PaymentFacts, timestamp: Date): { event: 'transaction:completed' | 'transaction:failed'; payload: object } | undefined {
  if (facts.status === 'completed') return { event: 'transaction:completed', payload: transactionCompletedPayload(facts, timestamp) };
  if (isFinalStatus(facts.status)) return { event: 'transaction:failed', payload: transactionFailedPayload(facts, timestamp) };
  return undefined;
}

export function cardStatusPayload(event: CardUpdatedEvent, timestamp: Date) {
  return {
    cardUuid: event.cardUuid,
    status: event.status,
    dailyLimit: event.dailyLimit,
    singleTransactionLimit: event.singleTransactionLimit,
    ...(event.reason && { reason: event.reason }),
    timestamp,
  };
}

export function balancePayload(
  event: PaymentEvent,
  balance: { address: string; balanceMist: string; balanceSui: string } | undefined,
  timestamp: Date,
) {
  return {
    balance: {
      ...(balance ?? {}),
      lastUpdate: timestamp,
      lastTransaction: {
        transactionId: event.transactionId,
        amount: -event.amount,
        currency: event.currency,
        ...(event.amountMist && { amountMist: `-${event.amountMist}` }),
        txHash: event.txHash ?? null,
      },
    },
    timestamp,
  };
}
