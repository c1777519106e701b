import type { ExecutionContext } from '@nestjs/common';
import { normalizeIp } from '@nestjs/throttler';
import { createHash } from 'node:crypto';
import type { Request } from 'express';
import type { Principal } from '../auth/principal';

/**
 * The named limits (the seed's `strictNfcRateLimit` and `nfcRateLimit`, plus one for credentials)
 * and the routes each applies to. Routes are matched by method and path pattern — the public
 * contract — so the limits need no decorator inside the modules that own the routes.
 */
export const THROTTLERS = {
  /** process-async per calling terminal or cardholder. */
  strictNfc: 'strict-nfc',
  /** process-async per card, whoever taps it. */
  strictNfcCard: 'strict-nfc-card',
  /** status, history, cancel and ops routes, per caller (per IP when anonymous). */
  nfc: 'nfc',
  /** login, register and terminal-token per client IP. */
  authIp: 'auth-ip',
  /** login per email, terminal-token per terminalId, whatever the IP. */
  authAccount: 'auth-account',
} as const;

export const PAYMENT_ROUTE = 'POST /api/payment/process-async';
const ACCOUNT_OF: Record<string, (body: Record<string, unknown>) => string | undefined> = {
  'POST /api/auth/login': (body) => (typeof body.email === 'string' ? `email:${body.email.trim().toLowerCase()}` : undefined),
  'POST /api/auth/terminal/token': (body) => (typeof body.terminalId === 'string' ? `terminal:${body.terminalId}` : undefined),
};
const AUTH_IP_ROUTES = new Set([...Object.keys(ACCOUNT_OF), 'POST /api/auth/register']);
/** Not limited here: the API docs, and routes outside /api (health, metrics, the queue board). */
const UNLIMITED_PREFIXES = ['/api/docs'];

type HttpRequest = Request & { principal?: Principal };

/** `POST /api/payment/process-async`: the method and the matched route pattern. */
export function routeOf(context: ExecutionContext): string | undefined {
  if (context.getType() !== 'http') return undefined;
  const req = context.switchToHttp().getRequest<HttpRequest>();
  const path = (req.route as { path?: string } | undefined)?.path;
  return typeof path === 'string' ? `${req.method} ${path}` : undefined;
}

export const appliesTo = {
  [THROTTLERS.strictNfc]: (route: string) => route === PAYMENT_ROUTE,
  [THROTTLERS.strictNfcCard]: (route: string) => route === PAYMENT_ROUTE,
  [THROTTLERS.authIp]: (route: string) => AUTH_IP_ROUTES.has(route),
  [THROTTLERS.authAccount]: (route: string) => route in ACCOUNT_OF,
  [THROTTLERS.nfc]: (route: string) => {
    const path = route.slice(route.indexOf(' ') + 1);
    return path.startsWith('/api/') && route !== PAYMENT_ROUTE && !AUTH_IP_ROUTES.has(route) && !UNLIMITED_PREFIXES.some((p) => path.startsWith(p));
  },
} as const;

export function ipOf(req: HttpRequest): string {
  return `ip:${normalizeIp(req.ip ?? req.socket?.remoteAddress ?? 'unknown')}`;
}

export function cardOf(req: HttpRequest, caller: string): string {
  const cardUuid = (req.body as Record<string, unknown> | undefined)?.cardUuid;
  // A body without a usable cardUuid is refused by validation anyway; count it against the caller.
  return typeof cardUuid === 'string' && cardUuid.length <= 64 ? `card:${cardUuid}` : `card-of:${caller}`;
}

export function accountOf(req: HttpRequest, route: string): string {
  const body = (req.body as Record<string, unknown> | undefined) ?? {};
  return ACCOUNT_OF[route]?.(body) ?? ipOf(req);
}

/** `<throttler>:<hash of tracker>`; the storage adds `<REDIS_KEY_PREFIX>throttle:`. */
export function throttleKey(throttler: string, tracker: string): string {
  return `${throttler}:${createHash('sha256').update(tracker).digest('base64url').slice(0, 32)}`;
}
