import { splitFee } from './platform-fee';

describe('splitFee', () => {
  it('takes nothing at 0 bps', () => {
    expect(splitFee(75_000, 0, 1000n)).toEqual({ fee: 0, net: 75_000, feeMist: '0', netMist: '75000000' });
  });

  it('rounds the fee down so fee + net is the amount exactly', () => {
    expect(splitFee(999, 250, 1000n)).toEqual({ fee: 24, net: 975, feeMist: '24000', netMist: '975000' });
    for (const amount of [1, 7, 12_345, 9_999_999]) {
      const { fee, net, feeMist, netMist } = splitFee(amount, 333, 1000n);
      expect(fee + net).toBe(amount);
      expect(BigInt(feeMist) + BigInt(netMist)).toBe(BigInt(amount) * 1000n);
    }
  });

  it('leaves the merchant at least 1 at the highest fee allowed', () => {
    expect(splitFee(1, 5_000, 1n)).toEqual({ fee: 0, net: 1, feeMist: '0', netMist: '1' });
    expect(splitFee(500, 5_000, 1n)).toEqual({ fee: 250, net: 250, feeMist: '250', netMist: '250' });
  });
});
