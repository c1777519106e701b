import 'reflect-metadata';
import { parsePayoutSchedule } from './app.config';
import { validateEnvironment } from './env.validation';

describe('PAYOUT_SCHEDULE', () => {
  it('parses off, daily@HH and threshold:<amount>', () => {
    expect(parsePayoutSchedule('off')).toEqual({ kind: 'off' });
    expect(parsePayoutSchedule('daily@07')).toEqual({ kind: 'daily', hour: 7 });
    expect(parsePayoutSchedule('threshold:500000')).toEqual({ kind: 'threshold', amount: 500_000 });
  });

  it('refuses anything else', () => {
    for (const value of ['daily@24', 'daily@7', 'threshold:0', 'weekly']) expect(() => validateEnvironment({ PAYOUT_SCHEDULE: value })).toThrow(/PAYOUT_SCHEDULE/);
    expect(validateEnvironment({ PAYOUT_SCHEDULE: 'daily@23' }).PAYOUT_SCHEDULE).toBe('daily@23');
  });
});
