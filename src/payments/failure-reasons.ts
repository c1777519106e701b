import type { DeclineCode } from './use-cases/payment-answers';
import type { Transaction } from './schemas/transaction.schema';

/**
 * Why a payment did not go through, in codes and plain words, for everyone but admins. The stored
 * failureReason holds the details (wallet addresses, balances, the chain's message) for the
 * admin's view and the logs; a merchant must not learn a payer's wallet or balance from it.
 */
const SETTLEMENT_WORDS: Record<string, string> = {
  INSUFFICIENT_BALANCE: 'Insufficient balance',
  WALLET_KEY: "The cardholder's wallet is unavailable",
  INVALID_ADDRESS: 'The settlement address is invalid',
  INVALID_AMOUNT: 'The amount is invalid',
  INVALID_SIGNATURE: 'Settlement failed',
  EXECUTION_FAILED: 'Settlement failed on chain',
  NETWORK: 'The blockchain network was unreachable',
  TIMEOUT: 'The blockchain network did not answer in time',
  STALE_OBJECT: 'Settlement failed',
  WALLET_BUSY: 'Settlement failed',
  GAS_POOL_BUSY: 'Settlement failed',
  GAS_SPONSOR_EMPTY: 'Settlement failed',
};

const DECLINE_WORDS: Record<DeclineCode, string> = {
  card_invalid: 'Card invalid',
  card_blocked: 'Card blocked',
  card_auth_failed: 'Card authentication failed',
  card_replayed: 'Card authentication failed: tap replayed',
  card_auth_required: 'Card authentication required: tap the card',
  merchant_invalid: 'Invalid merchant',
  terminal_invalid: 'Invalid terminal',
  fraud_high_risk: 'High fraud risk: declined by risk checks',
  fraud_unavailable: 'Risk checks are unavailable; try a smaller amount or retry shortly',
  daily_limit_exceeded: 'Insufficient daily limit',
  single_limit_exceeded: 'Amount exceeds single transaction limit',
  spending_limit_exceeded: "Exceeds the card's spending limit",
  category_blocked: 'The card does not pay at merchants of this category',
  offline_over_policy: "Taken offline beyond the merchant's offline policy",
  offline_expired: 'Taken offline too long ago',
  offline_pin_required: 'Taken offline above the contactless limit: a PIN was needed',
  pin_required: "The cardholder's PIN was needed and the card has none set",
  pin_tries_exceeded: 'Three wrong PINs in a row',
  pin_blocked: 'The card is blocked after wrong PINs',
};

type Failed = Pick<Transaction, 'status' | 'failureReason' | 'declineCode'>;

export function publicFailureReason(payment: Failed): string | undefined {
  if (!payment.failureReason) return undefined;
  if (payment.status === 'expired') return 'No PIN entered in time';
  if (payment.status === 'declined') return DECLINE_WORDS[payment.declineCode as DeclineCode] ?? 'Payment declined';
  // Settlement failures are stored as `<SettlementFailureCode>: <details>` (SettlePaymentUseCase).
  const code = /^([A-Z_]+):/.exec(payment.failureReason)?.[1];
  return code && code in SETTLEMENT_WORDS ? `${code}: ${SETTLEMENT_WORDS[code]}` : 'SETTLEMENT_FAILED: Settlement failed';
}
