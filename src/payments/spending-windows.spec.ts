import { windowStart } from './spending-limits.service';

describe('spending windows', () => {
  it('starts weeks on Monday, across month and year ends', () => {
    expect(windowStart('weekly', '2026-12-07')).toBe('2026-12-07'); // a Monday
    expect(windowStart('weekly', '2026-12-13')).toBe('2026-12-07'); // its Sunday
    expect(windowStart('weekly', '2026-12-01')).toBe('2026-11-30');
    expect(windowStart('weekly', '2027-01-02')).toBe('2026-12-28');
  });

  it('starts months on the 1st and days on themselves; all_time is one window', () => {
    expect(windowStart('monthly', '2026-12-31')).toBe('2026-12');
    expect(windowStart('daily', '2026-12-31')).toBe('2026-12-31');
    expect(windowStart('all_time', '2026-12-31')).toBe('all');
  });
});
