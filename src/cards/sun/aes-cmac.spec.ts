import { aesCmac } from './aes-cmac';

const hex = (s: string) => Buffer.from(s.replace(/\s/g, ''), 'hex');

// RFC 4493 §4 (the same examples as NIST SP 800-38B, CMAC-AES128).
describe('aesCmac: RFC 4493 test vectors', () => {
  const key = hex('2b7e1516 28aed2a6 abf71588 09cf4f3c');
  const message = hex(
    '6bc1bee2 2e409f96 e93d7e11 7393172a ae2d8a57 1e03ac9c 9eb76fac 45af8e51 30c81c46 a35ce411 e5fbc119 1a0a52ef f69f2445 df4f9b17 ad2b417b e66c3710',
  );
  it.each([
    [0, 'bb1d6929 e9593728 7fa37d12 9b756746'],
    [16, '070a16b4 6b4d4144 f79bdd9d d04a287c'],
    [40, 'dfa66747 de9ae630 30ca3261 1497c827'],
    [64, '51f0bebf 7e3b9d92 fc497417 79363cfe'],
  ])('Example len %i', (length, expected) => {
    expect(aesCmac(key, message.subarray(0, length)).toString('hex')).toBe(expected.replace(/\s/g, ''));
  });

  // NIST SP 800-38B's CMAC-AES128 Example #3 (a 20-byte message).
  it('NIST example with a 20-byte message', () => {
    expect(aesCmac(key, message.subarray(0, 20)).toString('hex')).toBe('7d85449ea6ea19c823a7bf78837dfade');
  });

  it('refuses a key that is not 16 bytes', () => {
    expect(() => aesCmac(Buffer.alloc(15), Buffer.alloc(0))).toThrow(RangeError);
  });
});
