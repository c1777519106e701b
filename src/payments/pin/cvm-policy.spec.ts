import { cvmOutcome, cvmReasonOf, isPinExpired, pinDeadline } from './cvm-policy';

describe('cardholder verification policy', () => {
  it('asks for the PIN above the cvmLimit (not at it) and in the fraud review band', () => {
    expect(cvmReasonOf(100_001, 100_000, 'allow')).toBe('amount');
    expect(cvmReasonOf(100_000, 100_000, 'allow')).toBeNull();
    expect(cvmReasonOf(75_000, 1_000_000, 'review')).toBe('review');
    expect(cvmReasonOf(2_000_000, 1_000_000, 'review')).toBe('amount');
  });

  it('declines pin_required without a PIN, except a review-band score, which keeps its manual review', () => {
    expect(cvmOutcome(null, false)).toBe('none');
    expect(cvmOutcome(null, true)).toBe('none');
    expect(cvmOutcome('amount', true)).toBe('pin');
    expect(cvmOutcome('consecutive', true)).toBe('pin');
    expect(cvmOutcome('review', true)).toBe('pin');
    expect(cvmOutcome('amount', false)).toBe('pin_required');
    expect(cvmOutcome('consecutive', false)).toBe('pin_required');
    expect(cvmOutcome('review', false)).toBe('none');
  });

  it('expires a PIN at its deadline', () => {
    const now = new Date('2026-12-01T10:00:00Z');
    const deadline = pinDeadline(now, 60_000);
    expect(deadline.toISOString()).toBe('2026-12-01T10:01:00.000Z');
    expect(isPinExpired(deadline, new Date('2026-12-01T10:00:59.999Z'))).toBe(false);
    expect(isPinExpired(deadline, deadline)).toBe(true);
    expect(isPinExpired(undefined, now)).toBe(false);
  });
});
