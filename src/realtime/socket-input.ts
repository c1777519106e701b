import { REALTIME_LIMITS } from './realtime.constants';

const ID = /^[A-Za-z0-9_.:-]+$/;

/** A client event's argument: one id string of bounded length, nothing else. */
export function parseId(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  if (value.length === 0 || value.length > REALTIME_LIMITS.maxIdLength || !ID.test(value)) return undefined;
  return value;
}

/**
 * The access token of a handshake: `auth.token` (with or without `Bearer `), else the
 * `Authorization: Bearer` header. Never from the query string (that ends up in access logs).
 */
export function tokenFromHandshake(handshake: { auth?: unknown; headers?: Record<string, string | string[] | undefined> }): string | undefined {
  const auth = handshake.auth as { token?: unknown } | undefined;
  if (auth && typeof auth.token === 'string' && auth.token.trim()) return stripBearer(auth.token.trim());
  const header = handshake.headers?.authorization;
  const value = Array.isArray(header) ? header[0] : header;
  if (typeof value === 'string' && /^bearer\s+/i.test(value)) return value.replace(/^bearer\s+/i, '').trim() || undefined;
  return undefined;
}

function stripBearer(token: string): string {
  return token.replace(/^bearer\s+/i, '');
}

/** Why a handshake's token was refused, for the client's `connect_error` (never the token). */
export function refusalOf(token: string | undefined, expiresInSeconds: number | undefined): string {
  if (!token) return 'Authentication required: send the access token in auth.token or an Authorization: Bearer header';
  if (token.split('.').length !== 3) return 'Invalid token: malformed';
  if (expiresInSeconds !== undefined && expiresInSeconds <= 0) return 'Invalid token: expired';
  return 'Invalid token: signature or claims not accepted';
}

/** A token bucket: `burst` events at once, refilled at `perSecond`. */
export class TokenBucket {
  private tokens: number;
  private last: number;

  constructor(
    private readonly burst: number,
    private readonly perSecond: number,
    private readonly now: () => number = () => performance.now(),
  ) {
    this.tokens = burst;
    this.last = now();
  }

  take(): boolean {
    const now = this.now();
    this.tokens = Math.min(this.burst, this.tokens + ((now - this.last) / 1000) * this.perSecond);
    this.last = now;
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }
}
