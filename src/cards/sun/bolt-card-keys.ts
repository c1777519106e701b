import { aesCmac } from './aes-cmac';

/** The five NTAG 424 DNA application keys a card is programmed with. */
export interface CardKeys {
  k0: Buffer;
  k1: Buffer;
  k2: Buffer;
  k3: Buffer;
  k4: Buffer;
}

const prf = (key: Buffer, ...parts: Buffer[]) => aesCmac(key, Buffer.concat(parts));
const tag = (hex: string) => Buffer.from(hex, 'hex');

/** K1 decrypts every card's `p`, so it is the issuer's, not the card's. */
export function issuerK1(issuerKey: Buffer): Buffer {
  return prf(issuerKey, tag('2d003f77'));
}

/**
 * Bolt Card's deterministic keys (boltcard docs/DETERMINISTIC.md): everything follows from the
 * issuer key, the card's UID and its version, so the server stores no per-card AES key.
 */
export function deriveCardKeys(issuerKey: Buffer, uid: Buffer, version: number): CardKeys {
  const versionLe = Buffer.alloc(4);
  versionLe.writeUInt32LE(version);
  const cardKey = prf(issuerKey, tag('2d003f75'), uid, versionLe);
  return {
    k0: prf(cardKey, tag('2d003f76')),
    k1: issuerK1(issuerKey),
    k2: prf(cardKey, tag('2d003f78')),
    k3: prf(cardKey, tag('2d003f79')),
    k4: prf(cardKey, tag('2d003f7a')),
  };
}
