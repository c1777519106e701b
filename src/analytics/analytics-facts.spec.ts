import type { PaymentEvent } from '../payments/payment.events';
import type { PaymentStatus } from '../payments/payment-state';
import { acceptedFact, finalFacts } from './analytics-facts';
import { applyFact, emptyMeasures } from './rollup';

const createdAt = new Date('2026-12-01T09:15:00Z');
const event = (status: PaymentStatus, extra: Partial<PaymentEvent> = {}): PaymentEvent => ({
  transactionId: `nfc_${status}`,
  status,
  cardUuid: 'card',
  merchantId: 'M',
  terminalId: 'T',
  amount: 150_000,
  currency: 'VND',
  createdAt,
  at: new Date('2026-12-01T09:16:30Z'),
  ...extra,
});

describe('analytics facts of a final payment', () => {
  it('counts a tap that waited for its PIN and ended declined or expired as a decline with its code, never as approved', () => {
    const m = emptyMeasures();
    for (const fact of [...finalFacts(event('declined', { declineCode: 'pin_tries_exceeded' })), ...finalFacts(event('expired', { declineCode: 'pin_expired' }))]) applyFact(m, fact);
    expect(m).toMatchObject({ count: 2, approved: 0, declined: 2, volume: 0, failed: 0, declineReasons: { pin_tries_exceeded: 1, pin_expired: 1 } });
    expect(finalFacts(event('expired', { declineCode: 'pin_expired' }))).toEqual([
      { _id: 'nfc_expired:declined', kind: 'declined', merchantId: 'M', terminalId: 'T', amount: 150_000, at: createdAt, declineCode: 'pin_expired' },
    ]);
  });

  it('repeats the acceptance of a settled, failed or cancelled payment under its own key, and counts nothing for one not final', () => {
    for (const status of ['completed', 'failed', 'cancelled'] as const) {
      const facts = finalFacts(event(status, { completedAt: new Date(createdAt.getTime() + 1_200) }));
      expect(facts.map((f) => f._id)).toEqual([acceptedFact(event(status))._id, `nfc_${status}:${status}`]);
    }
    for (const status of ['requires_pin', 'pending', 'processing'] as const) expect(finalFacts(event(status))).toEqual([]);
  });
});
