import { createDecipheriv, timingSafeEqual } from 'node:crypto';
import { aesCmac } from './aes-cmac';

/** What an NTAG 424 DNA's PICCData says: who the card is and how many times it has been read. */
export interface PiccData {
  /** 7 bytes, as 14 lowercase hex characters. */
  uid: string;
  /** SDMReadCtr, 0 … 16 777 215. */
  counter: number;
}

const PICC_DATA_TAG = 0xc7;
const SV2_PREFIX = Buffer.from('3cc300010080', 'hex');

/**
 * `p` decrypted with K1 (AES-128-CBC, zero IV): tag 0xC7 (UID and counter mirrored), 7-byte UID,
 * 3-byte counter least significant byte first, padding. Null when it is not such a block.
 */
export function decryptPiccData(k1: Buffer, p: Buffer): PiccData | null {
  if (p.length !== 16) return null;
  const decipher = createDecipheriv('aes-128-cbc', k1, Buffer.alloc(16)).setAutoPadding(false);
  const plain = Buffer.concat([decipher.update(p), decipher.final()]);
  if (plain[0] !== PICC_DATA_TAG) return null;
  return { uid: plain.subarray(1, 8).toString('hex'), counter: plain.readUIntLE(8, 3) };
}

/**
 * The SDMMAC over the empty input (the card mirrors no file data): CMAC under the session key
 * CMAC(K2, SV2 = 3CC300010080 ‖ UID ‖ counter LSB first), truncated to its odd bytes.
 */
export function sdmMac(k2: Buffer, picc: PiccData): Buffer {
  const counter = Buffer.alloc(3);
  counter.writeUIntLE(picc.counter, 0, 3);
  const sessionKey = aesCmac(k2, Buffer.concat([SV2_PREFIX, Buffer.from(picc.uid, 'hex'), counter]));
  const full = aesCmac(sessionKey, Buffer.alloc(0));
  return Buffer.from([1, 3, 5, 7, 9, 11, 13, 15].map((i) => full[i]));
}

export function sdmMacMatches(k2: Buffer, picc: PiccData, c: Buffer): boolean {
  return c.length === 8 && timingSafeEqual(sdmMac(k2, picc), c);
}
