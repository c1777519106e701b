import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/** Invites are valid this long: time to read the email, not long enough to sit around in inboxes. */
export const INVITE_TTL_MS = 7 * 24 * 3_600_000;

/**
 * `inv_<userId>.<secret>`: the user id lets acceptance read one document by `_id` (FerretDB scans
 * every other filter); only the secret's hash is stored, so a database reader cannot accept.
 */
export function generateInviteToken(userId: string): string {
  return `inv_${userId}.${randomBytes(32).toString('base64url')}`;
}

export function userIdOfInvite(token: string): string | undefined {
  return /^inv_([0-9a-f]{24})\.[A-Za-z0-9_-]{43}$/.exec(token)?.[1];
}

export function hashInviteToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

export function inviteTokenMatches(token: string, storedHash: string): boolean {
  const actual = Buffer.from(hashInviteToken(token), 'hex');
  const expected = Buffer.from(storedHash, 'hex');
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}
