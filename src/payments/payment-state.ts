/**
 * The payment state machine: pending → processing → completed | failed; pending → cancelled;
 * declined at acceptance; requires_pin → pending (the right PIN) | declined (the last wrong PIN)
 * | expired (no PIN in time). Who moves a payment on is decided by claims (PaymentClaim), never by
 * reading the status first, so no two actors can both move it.
 */
export const PAYMENT_STATUSES = ['requires_pin', 'pending', 'processing', 'completed', 'failed', 'cancelled', 'declined', 'expired'] as const;
export type PaymentStatus = (typeof PAYMENT_STATUSES)[number];

export const FINAL_STATUSES: readonly PaymentStatus[] = ['completed', 'failed', 'cancelled', 'declined', 'expired'];

export const isFinal = (status: PaymentStatus) => FINAL_STATUSES.includes(status);
