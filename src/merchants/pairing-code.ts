import { createHash, randomBytes, randomInt, timingSafeEqual } from 'node:crypto';

/** No 0/O, 1/I/L: read off a screen and typed on a terminal without doubt. */
export const PAIRING_ALPHABET = '23456789ABCDEFGHJKMNPQRSTUVWXYZ';
export const PAIRING_CODE_LENGTH = 8;
const SELECTOR_LENGTH = 4;

export const PAIRING_CODE_PATTERN = new RegExp(`^[${PAIRING_ALPHABET}]{4}-?[${PAIRING_ALPHABET}]{4}$`, 'i');

export interface PairingCodeParts {
  selector: string;
  verifier: string;
}

export function generatePairingCode(): string {
  return Array.from({ length: PAIRING_CODE_LENGTH }, () => PAIRING_ALPHABET[randomInt(PAIRING_ALPHABET.length)]).join('');
}

/** `abcd-efgh` and `ABCDEFGH` are the same code. */
export function splitPairingCode(code: string): PairingCodeParts {
  const normalized = code.replace(/-/g, '').toUpperCase();
  return { selector: normalized.slice(0, SELECTOR_LENGTH), verifier: normalized.slice(SELECTOR_LENGTH) };
}

export function newCodeId(): string {
  return randomBytes(12).toString('base64url');
}

export function newPairedTerminalId(): string {
  return `trm_${randomBytes(12).toString('hex')}`;
}

export function hashVerifier(codeId: string, verifier: string): string {
  return createHash('sha256').update(`${codeId}:${verifier}`).digest('hex');
}

export function verifierMatches(codeId: string, verifier: string, storedHash: string): boolean {
  const actual = Buffer.from(hashVerifier(codeId, verifier), 'hex');
  const expected = Buffer.from(storedHash, 'hex');
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}

/** The raw 32-byte Ed25519 key a device sends as base64, or undefined when it is not one. */
export function decodePublicKey(base64: string): Buffer | undefined {
  if (!/^[A-Za-z0-9+/]{43}=?$/.test(base64)) return undefined;
  const raw = Buffer.from(base64, 'base64');
  return raw.length === 32 ? raw : undefined;
}
