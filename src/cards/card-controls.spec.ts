import { BadRequestException } from '@nestjs/common';
import { assertWithinCaps, controlsOf, enforcedLimits, storedFrom } from './card-controls';

describe('card controls', () => {
  const card = { dailyLimit: 1_000, singleTransactionLimit: 100 };

  it('reads the legacy limits as the first per_authorization and daily controls, and writes them back', () => {
    expect(controlsOf(card).spendingLimits).toEqual([{ amount: 100, interval: 'per_authorization' }, { amount: 1_000, interval: 'daily' }]);
    const stored = storedFrom({ spendingLimits: [{ amount: 50, interval: 'per_authorization' }, { count: 3, interval: 'daily' }, { amount: 500, interval: 'daily', categories: ['5812', '5812'] }] }, card);
    expect(stored).toEqual({ singleTransactionLimit: 50, dailyLimit: 1_000, spendingLimits: [{ count: 3, interval: 'daily' }, { amount: 500, interval: 'daily', categories: ['5812'] }], blockedCategories: [] });
  });

  it('refuses a control above a cap that covers it, naming the cap', () => {
    const caps = [{ amount: 300, interval: 'weekly' as const }, { count: 2, interval: 'daily' as const, categories: ['7995'] }];
    expect(() => assertWithinCaps([{ field: 'x', limit: { amount: 301, interval: 'weekly' } }], caps)).toThrow(/weekly cap of 300/);
    expect(() => assertWithinCaps([{ field: 'x', limit: { count: 3, interval: 'daily', categories: ['7995'] } }], caps)).toThrow(BadRequestException);
    // Not covered: another interval, or categories the cap does not name.
    expect(() => assertWithinCaps([{ field: 'x', limit: { amount: 301, interval: 'monthly' } }, { field: 'y', limit: { count: 9, interval: 'daily' } }], caps)).not.toThrow();
  });

  it('enforces the strictest of the controls and caps over the same scope', () => {
    const limits = enforcedLimits({ ...card, spendingLimits: [{ amount: 500, interval: 'weekly' }, { count: 4, interval: 'weekly' }], caps: [{ amount: 300, interval: 'weekly', count: 9 }] });
    expect(limits).toEqual([{ scope: 'weekly:', interval: 'weekly', categories: [], amount: 300, count: 4 }]);
  });
});
