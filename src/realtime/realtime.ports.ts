import type { Principal } from '../common/auth/principal';

/**
 * The read-only questions realtime asks other modules to authorize a room and to fill an event.
 * RealtimeModule.register binds each token to a provider of the app (CardsService,
 * PaymentsService, WalletService satisfy them as they are), so realtime imports no module's
 * internals and tests can bind fakes.
 */
export const REALTIME_CARD_ACCESS = Symbol('REALTIME_CARD_ACCESS');
export const REALTIME_TRANSACTION_LOOKUP = Symbol('REALTIME_TRANSACTION_LOOKUP');
export const REALTIME_WALLET_LOOKUP = Symbol('REALTIME_WALLET_LOOKUP');

export interface CardAccess {
  /** Whether `principal` may watch the card (its owner, or an admin); false for an unknown card. */
  isVisibleTo(cardUuid: string, principal: Principal): Promise<boolean>;
}

/** The fields of a payment record realtime reads (PaymentsService's Transaction has them all). */
export interface TransactionView {
  transactionId: string;
  status: string;
  cardUuid: string;
  userId?: string;
  merchantId: string;
  terminalId: string;
  amount: number;
  currency: string;
  amountMist?: string;
  txHash?: string;
  explorerUrl?: string | null;
  failureReason?: string;
  processingStartedAt?: Date;
  completedAt?: Date;
  failedAt?: Date;
  cancelledAt?: Date;
  updatedAt?: Date;
}

export interface TransactionLookup {
  /** The payment if `principal` may watch it (cardholder, the merchant's terminals, admin), else null. */
  visibleTransaction(transactionId: string, principal: Principal): Promise<TransactionView | null>;
}

export interface WalletLookup {
  walletOf(userId: string): Promise<{ address: string } | null>;
  getBalance(address: string): Promise<{ address: string; balanceMist: string; balanceSui: string }>;
}
