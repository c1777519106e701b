import { inspect } from 'node:util';
import { randomBytes } from 'node:crypto';
import { decryptSecret, encryptSecret, generateMasterKey, MasterKeyRing, parseMasterKeys, reencryptSecret, WalletKeyError } from './wallet-crypto';

describe('wallet crypto', () => {
  const secret = randomBytes(32);
  const address = '0xabc';

  it('round-trips a secret and records the key version', () => {
    const ring = parseMasterKeys(generateMasterKey());
    const encrypted = encryptSecret(secret, ring, address);
    expect(encrypted).toMatchObject({ alg: 'aes-256-gcm', keyVersion: 1 });
    expect(decryptSecret(encrypted, ring, address)).toEqual(secret);
  });

  it('uses a fresh IV every time', () => {
    const ring = parseMasterKeys(generateMasterKey());
    const a = encryptSecret(secret, ring, address);
    const b = encryptSecret(secret, ring, address);
    expect(a.iv).not.toBe(b.iv);
    expect(a.ciphertext).not.toBe(b.ciphertext);
  });

  it('rejects a tampered ciphertext, a wrong wallet and a wrong master key without echoing data', () => {
    const ring = parseMasterKeys(generateMasterKey());
    const encrypted = encryptSecret(secret, ring, address);
    const flipped = Buffer.from(encrypted.ciphertext, 'base64');
    flipped[0] ^= 1;
    const attempts = [
      () => decryptSecret({ ...encrypted, ciphertext: flipped.toString('base64') }, ring, address),
      () => decryptSecret(encrypted, ring, '0xother'),
      () => decryptSecret(encrypted, parseMasterKeys(generateMasterKey()), address),
    ];
    for (const attempt of attempts) {
      expect(attempt).toThrow(WalletKeyError);
      try {
        attempt();
      } catch (error) {
        expect(String((error as Error).message)).not.toContain(encrypted.ciphertext);
      }
    }
  });

  it('re-encrypts under the newest key during a rotation and leaves current secrets alone', () => {
    const oldKey = generateMasterKey();
    const before = encryptSecret(secret, parseMasterKeys(oldKey), address);
    const rotated = parseMasterKeys(`2:${generateMasterKey()},1:${oldKey}`);
    const after = reencryptSecret(before, rotated, address)!;
    expect(after.keyVersion).toBe(2);
    expect(decryptSecret(after, rotated, address)).toEqual(secret);
    expect(reencryptSecret(after, rotated, address)).toBeNull();
  });

  it('accepts hex keys and refuses keys of the wrong size', () => {
    expect(parseMasterKeys(randomBytes(32).toString('hex')).currentVersion).toBe(1);
    expect(() => parseMasterKeys(randomBytes(16).toString('base64'))).toThrow(WalletKeyError);
    expect(() => new MasterKeyRing([])).toThrow(WalletKeyError);
  });

  it('never prints or serialises master key bytes', () => {
    const key = generateMasterKey();
    const ring = parseMasterKeys(`3:${key}`);
    expect(JSON.stringify(ring)).toBe('{"currentVersion":3,"versions":[3]}');
    expect(inspect(ring, { showHidden: true, depth: 5 })).not.toContain(key);
    expect(inspect(ring)).not.toContain(Buffer.from(key, 'base64').toString('hex'));
  });
});
