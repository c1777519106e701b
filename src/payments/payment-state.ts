/**
 * The payment state machine: pending → processing → completed | failed; pending → cancelled;
 * declined at acceptance. Who moves a payment on is decided by claims (PaymentClaim), never by
 * reading the status first, so no two actors can both move it.
 */
export type PaymentStatus = 'pending' | 'processing' | 'completed' | 'failed' | 'cancelled' | 'declined';

export const FINAL_STATUSES: readonly PaymentStatus[] = ['completed', 'failed', 'cancelled', 'declined'];

export const isFinal = (status: PaymentStatus) => FINAL_STATUSES.includes(status);
