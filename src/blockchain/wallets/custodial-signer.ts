import { createPrivateKey, createPublicKey, generateKeyPairSync, KeyObject, sign } from 'node:crypto';
import { inspect } from 'node:util';
import { Signer, type SignatureScheme } from '@mysten/sui/cryptography';
import { Ed25519PublicKey } from '@mysten/sui/keypairs/ed25519';

// DER prefixes of an Ed25519 PKCS#8 private key and SPKI public key; the raw 32 bytes follow.
const PKCS8_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');
const SPKI_PREFIX_LENGTH = 12;

/**
 * An Ed25519 signer for a custodial wallet, on node:crypto rather than the SDK's pure-JS curve:
 * the signatures are identical (Ed25519 is deterministic) and an order of magnitude faster, and
 * the key lives in an opaque KeyObject that never prints or serialises.
 */
export class CustodialSigner extends Signer {
  readonly #privateKey: KeyObject;
  readonly #publicKey: Ed25519PublicKey;

  private constructor(privateKey: KeyObject) {
    super();
    this.#privateKey = privateKey;
    const spki = createPublicKey(privateKey).export({ format: 'der', type: 'spki' });
    this.#publicKey = new Ed25519PublicKey(new Uint8Array(spki.subarray(SPKI_PREFIX_LENGTH)));
  }

  /** From the 32-byte Ed25519 seed (what Sui calls the secret key). */
  static fromSeed(seed: Uint8Array): CustodialSigner {
    if (seed.length !== 32) throw new Error('an Ed25519 seed is 32 bytes');
    const der = Buffer.concat([PKCS8_PREFIX, seed]);
    try {
      return new CustodialSigner(createPrivateKey({ key: der, format: 'der', type: 'pkcs8' }));
    } finally {
      der.fill(0);
    }
  }

  /** A new key pair; the caller encrypts the returned seed and zeroes it. */
  static generate(): { signer: CustodialSigner; seed: Buffer } {
    const { privateKey } = generateKeyPairSync('ed25519');
    const seed = Buffer.from(privateKey.export({ format: 'der', type: 'pkcs8' }).subarray(PKCS8_PREFIX.length));
    return { signer: new CustodialSigner(privateKey), seed };
  }

  override async sign(bytes: Uint8Array): Promise<Uint8Array<ArrayBuffer>> {
    return new Uint8Array(sign(null, bytes, this.#privateKey));
  }

  override getKeyScheme(): SignatureScheme {
    return 'ED25519';
  }

  override getPublicKey(): Ed25519PublicKey {
    return this.#publicKey;
  }

  toJSON(): { address: string } {
    return { address: this.toSuiAddress() };
  }

  [inspect.custom](): string {
    return `CustodialSigner(${this.toSuiAddress()})`;
  }
}
