import { DEFAULT_RULES } from '../fraud-rules.config';
import { InMemoryFraudCounters } from './in-memory-fraud-counters';

describe('InMemoryFraudCounters (the backtest twin of the Redis counters)', () => {
  const lists = { card: new Set(['bad-card']), terminal: new Set<string>(), merchant: new Set<string>() };
  const pay = (overrides = {}) => ({ cardUuid: 'c', amount: 100, merchantId: 'm', terminalId: 't', ...overrides });
  const t0 = 1_700_000_000_000;

  it('counts approved payments in (at − 60 s, at] and (at − 1 h, at]', () => {
    const counters = new InMemoryFraudCounters(lists);
    counters.record(pay(), t0, true);
    expect(counters.read(pay(), t0 + 59_999, DEFAULT_RULES)).toMatchObject({ cardApprovedLastMinute: 1, cardApprovedLastHour: 1 });
    expect(counters.read(pay(), t0 + 60_000, DEFAULT_RULES)).toMatchObject({ cardApprovedLastMinute: 0, cardApprovedLastHour: 1 });
    expect(counters.read(pay(), t0 + 3_600_000, DEFAULT_RULES)).toMatchObject({ cardApprovedLastHour: 0 });
  });

  it('keeps amounts newest first, terminal history, and declines apart from approvals', () => {
    const counters = new InMemoryFraudCounters(lists);
    counters.record(pay({ amount: 1 }), t0, true);
    counters.record(pay({ amount: 2, terminalId: 't2' }), t0 + 1, true);
    counters.record(pay({ cardUuid: 'x' }), t0 + 2, false);
    counters.record(pay({ cardUuid: 'y' }), t0 + 3, false);
    const features = counters.read(pay({ terminalId: 't3' }), t0 + 4, DEFAULT_RULES);
    expect(features).toMatchObject({ recentAmounts: [2, 1], recentTerminals: ['t', 't2'], terminalSeenBefore: false, cardDeclines: 0, lastApprovedAt: t0 + 1 });
    expect(counters.read(pay(), t0, DEFAULT_RULES).lastApprovedAt).toBe(t0);
    expect(counters.read(pay({ cardUuid: 'x' }), t0 + 4, DEFAULT_RULES).lastApprovedAt).toBeNull();
    expect(counters.read(pay({ cardUuid: 'x' }), t0 + 4, DEFAULT_RULES)).toMatchObject({ cardDeclines: 1, terminalDeclinedCards: 2, cardApprovedLastHour: 0 });
    expect(counters.read(pay({ cardUuid: 'bad-card' }), t0, DEFAULT_RULES).listed).toEqual({ card: true, terminal: false, merchant: false });
  });

  it("counts a caller's declines against the card and terminal only when it answers for them", () => {
    const counters = new InMemoryFraudCounters(lists);
    const stranger = { caller: 'user:mallory', accountable: { card: false, terminal: false } };
    for (let i = 0; i < 3; i++) counters.record(pay({ cardUuid: `made-up-${i}`, ...stranger }), t0 + i, false);
    counters.record(pay({ cardUuid: 'c', ...stranger }), t0 + 3, false);
    expect(counters.read(pay(), t0 + 4, DEFAULT_RULES)).toMatchObject({ cardDeclines: 0, terminalDeclinedCards: 0, callerDeclines: 0 });
    expect(counters.read(pay(stranger), t0 + 4, DEFAULT_RULES)).toMatchObject({ callerDeclines: 4 });
    counters.record(pay({ caller: 'user:owner', accountable: { card: true, terminal: false } }), t0 + 5, false);
    expect(counters.read(pay(), t0 + 6, DEFAULT_RULES)).toMatchObject({ cardDeclines: 1, terminalDeclinedCards: 0 });
  });
});
