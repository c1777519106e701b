import { formatSui } from './format-sui';

it('formats MIST as SUI exactly', () => {
  expect(formatSui(0n)).toBe('0');
  expect(formatSui(1_000_000_000_000n)).toBe('1000');
  expect(formatSui(75_000_000n)).toBe('0.075');
  expect(formatSui(1n)).toBe('0.000000001');
  expect(formatSui(-1_500_000_000n)).toBe('-1.5');
});
