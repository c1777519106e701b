import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { inspect } from 'node:util';

/** A secret as stored at rest: AES-256-GCM under the master key of `keyVersion`. */
export interface EncryptedSecret {
  alg: 'aes-256-gcm';
  keyVersion: number;
  iv: string;
  tag: string;
  ciphertext: string;
}

const KEY_BYTES = 32;
const IV_BYTES = 12;

export class WalletKeyError extends Error {
  override readonly name = 'WalletKeyError';
}

/**
 * The master keys, newest first. Old versions stay so secrets written under them can be read
 * and re-encrypted. The key bytes are in private fields and never printed or serialised.
 */
export class MasterKeyRing {
  readonly #keys: Map<number, Buffer>;
  readonly currentVersion: number;

  constructor(keys: { version: number; key: Buffer }[]) {
    if (keys.length === 0) throw new WalletKeyError('at least one master key is required');
    for (const { version, key } of keys) {
      if (!Number.isInteger(version) || version < 1) throw new WalletKeyError(`master key version must be a positive integer, got ${version}`);
      if (key.length !== KEY_BYTES) throw new WalletKeyError(`master key v${version} must be ${KEY_BYTES} bytes`);
    }
    this.#keys = new Map(keys.map(({ version, key }) => [version, key]));
    if (this.#keys.size !== keys.length) throw new WalletKeyError('master key versions must be unique');
    this.currentVersion = Math.max(...this.#keys.keys());
  }

  key(version: number): Buffer {
    const key = this.#keys.get(version);
    if (!key) throw new WalletKeyError(`master key v${version} is not configured`);
    return key;
  }

  get versions(): number[] {
    return [...this.#keys.keys()].sort((a, b) => b - a);
  }

  toJSON(): { currentVersion: number; versions: number[] } {
    return { currentVersion: this.currentVersion, versions: this.versions };
  }

  [inspect.custom](): string {
    return `MasterKeyRing(versions: ${this.versions.join(', ')})`;
  }
}

/**
 * Parses WALLET_MASTER_KEY: either one key (version 1) or `version:key` entries separated by
 * commas, e.g. `2:<new>,1:<old>` during a rotation. Keys are 32 bytes in base64 or hex.
 */
export function parseMasterKeys(value: string): MasterKeyRing {
  const entries = value.split(',').map((entry) => entry.trim()).filter(Boolean);
  return new MasterKeyRing(
    entries.map((entry) => {
      const match = /^(\d+):(.+)$/.exec(entry);
      return { version: match ? Number(match[1]) : 1, key: decodeKey(match ? match[2] : entry) };
    }),
  );
}

function decodeKey(text: string): Buffer {
  const key = /^[0-9a-f]{64}$/i.test(text) ? Buffer.from(text, 'hex') : Buffer.from(text, 'base64');
  if (key.length !== KEY_BYTES) throw new WalletKeyError(`a master key must be ${KEY_BYTES} bytes, base64 or hex encoded`);
  return key;
}

export function generateMasterKey(): string {
  return randomBytes(KEY_BYTES).toString('base64');
}

/**
 * Encrypts under the current master key. `context` (the wallet address) is bound as associated
 * data, so a ciphertext moved onto another wallet fails to decrypt instead of signing for it.
 */
export function encryptSecret(secret: Uint8Array, ring: MasterKeyRing, context: string): EncryptedSecret {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', ring.key(ring.currentVersion), iv);
  cipher.setAAD(Buffer.from(context));
  const ciphertext = Buffer.concat([cipher.update(secret), cipher.final()]);
  return {
    alg: 'aes-256-gcm',
    keyVersion: ring.currentVersion,
    iv: iv.toString('base64'),
    tag: cipher.getAuthTag().toString('base64'),
    ciphertext: ciphertext.toString('base64'),
  };
}

/** The caller owns the returned buffer and should zero it (`fill(0)`) once used. */
export function decryptSecret(encrypted: EncryptedSecret, ring: MasterKeyRing, context: string): Buffer {
  if (encrypted.alg !== 'aes-256-gcm') throw new WalletKeyError(`unsupported wallet key algorithm ${String(encrypted.alg)}`);
  try {
    const decipher = createDecipheriv('aes-256-gcm', ring.key(encrypted.keyVersion), Buffer.from(encrypted.iv, 'base64'));
    decipher.setAAD(Buffer.from(context));
    decipher.setAuthTag(Buffer.from(encrypted.tag, 'base64'));
    return Buffer.concat([decipher.update(Buffer.from(encrypted.ciphertext, 'base64')), decipher.final()]);
  } catch (error) {
    if (error instanceof WalletKeyError) throw error;
    throw new WalletKeyError('wallet key could not be decrypted: wrong master key, wrong wallet or tampered data');
  }
}

/** Re-encrypts under the current master key; returns null when it already is. */
export function reencryptSecret(encrypted: EncryptedSecret, ring: MasterKeyRing, context: string): EncryptedSecret | null {
  if (encrypted.keyVersion === ring.currentVersion) return null;
  const secret = decryptSecret(encrypted, ring, context);
  try {
    return encryptSecret(secret, ring, context);
  } finally {
    secret.fill(0);
  }
}
