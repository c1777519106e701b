import type { FraudAssessment } from '../fraud.port';

/**
 * Why a tap needs the cardholder's PIN (cardholder verification, CVM): above the card's contactless
 * limit, a fraud score in the review band (a step-up instead of a manual review), or the N-th tap
 * in a row without a PIN (PSD2, the card's cvmConsecutiveTaps).
 */
export type CvmReason = 'amount' | 'review' | 'consecutive';

/** What the tap's own facts say; the consecutive-taps count is asked only when these say nothing. */
export function cvmReasonOf(amount: number, cvmLimit: number, decision: FraudAssessment['decision']): CvmReason | null {
  if (amount > cvmLimit) return 'amount';
  if (decision === 'review') return 'review';
  return null;
}

/**
 * With a PIN set, every reason asks for it. Without one, a tap the rules require a PIN of cannot be
 * taken (`pin_required`), while a review-band score falls back to the manual review it had before.
 */
export function cvmOutcome(reason: CvmReason | null, hasPin: boolean): 'none' | 'pin' | 'pin_required' {
  if (!reason) return 'none';
  if (hasPin) return 'pin';
  return reason === 'review' ? 'none' : 'pin_required';
}

export const pinDeadline = (now: Date, timeoutMs: number) => new Date(now.getTime() + timeoutMs);

/** At the deadline itself the PIN is too late. */
export const isPinExpired = (expiresAt: Date | undefined, now: Date) => !!expiresAt && now.getTime() >= new Date(expiresAt).getTime();
