import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

export function generateTerminalSecret(): string {
  return `tsk_${randomBytes(32).toString('base64url')}`;
}

export function hashTerminalSecret(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}

export function terminalSecretMatches(secret: string, storedHash: string): boolean {
  const actual = Buffer.from(hashTerminalSecret(secret), 'hex');
  const expected = Buffer.from(storedHash, 'hex');
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}
