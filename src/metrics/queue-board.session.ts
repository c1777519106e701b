import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

export const BOARD_COOKIE = 'nfcpay_board';
export const BOARD_ROUTE = '/admin/queues';
export const BOARD_SESSION_SECONDS = 15 * 60;
export const BOARD_TICKET_SECONDS = 60;

/**
 * The Bull Board cookie: `<adminId>.<expiry unix s>.<HMAC>`, signed with a key derived from
 * JWT_SECRET for this purpose only. It is not an API token: the API reads only the Authorization
 * header, and the cookie's Path is /admin/queues.
 */
export class BoardSessions {
  readonly #key: Buffer;

  constructor(jwtSecret: string) {
    this.#key = createHmac('sha256', jwtSecret).update('nfcpay:bull-board-session').digest();
  }

  issue(adminId: string, now = Date.now()): string {
    const expires = Math.floor(now / 1000) + BOARD_SESSION_SECONDS;
    const body = `${Buffer.from(adminId).toString('base64url')}.${expires}`;
    return `${body}.${this.mac(body)}`;
  }

  /** The admin id, or undefined for a forged, malformed or expired cookie. */
  verify(value: string | undefined, now = Date.now()): string | undefined {
    const [id, expires, mac] = (value ?? '').split('.');
    if (!id || !expires || !mac) return undefined;
    const expected = Buffer.from(this.mac(`${id}.${expires}`));
    const given = Buffer.from(mac);
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return undefined;
    if (Number(expires) * 1000 < now) return undefined;
    return Buffer.from(id, 'base64url').toString();
  }

  private mac(body: string): string {
    return createHmac('sha256', this.#key).update(body).digest('base64url');
  }
}

export const newTicket = () => randomBytes(24).toString('base64url');

export function cookieValue(header: string | undefined, name: string): string | undefined {
  for (const part of (header ?? '').split(';')) {
    const [key, ...rest] = part.trim().split('=');
    if (key === name) return rest.join('=');
  }
  return undefined;
}
