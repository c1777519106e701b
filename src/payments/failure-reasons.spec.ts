import { publicFailureReason } from './failure-reasons';

describe('publicFailureReason (what everyone but admins reads)', () => {
  it('keeps the settlement code and drops the details', () => {
    const stored = 'INSUFFICIENT_BALANCE: wallet 0xabc123 holds 5000 MIST; 9000 MIST plus up to 50000000 MIST of gas are needed';
    expect(publicFailureReason({ status: 'failed', failureReason: stored })).toBe('INSUFFICIENT_BALANCE: Insufficient balance');
  });

  it('answers a generic code for anything it does not know', () => {
    expect(publicFailureReason({ status: 'failed', failureReason: 'Settlement failed: connect ECONNREFUSED 10.0.0.7:9000' })).toBe('SETTLEMENT_FAILED: Settlement failed');
    expect(publicFailureReason({ status: 'failed', failureReason: 'SOMETHING_NEW: 0xdeadbeef' })).toBe('SETTLEMENT_FAILED: Settlement failed');
  });

  it('words a decline by its code, so an older record with rule thresholds shows none', () => {
    const old = { status: 'declined' as const, declineCode: 'fraud_high_risk', failureReason: 'High fraud risk: 4 payments of this card within 60 s (limit 3)' };
    expect(publicFailureReason(old)).toBe('High fraud risk: declined by risk checks');
  });

  it('has nothing to say about a payment that did not fail', () => {
    expect(publicFailureReason({ status: 'completed' })).toBeUndefined();
  });
});
