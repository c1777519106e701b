import { SetMetadata } from '@nestjs/common';

/**
 * The named limits (the seed's `strictNfcRateLimit` and `nfcRateLimit`, plus one for credentials).
 * A route takes `nfc` unless it declares another policy with @RateLimit or none with @NoRateLimit.
 */
export const THROTTLERS = {
  /** Payment attempts per calling terminal or cardholder. */
  strictNfc: 'strict-nfc',
  /** Payment attempts per caller and card: keyed on the caller first, so nobody spends another caller's allowance for a card. */
  strictNfcCard: 'strict-nfc-card',
  /** Every other API route, per caller (per IP when anonymous). */
  nfc: 'nfc',
  /** Credential routes per client IP. */
  authIp: 'auth-ip',
  /** Credential routes per account named in the body (email, terminalId) and calling address. */
  authAccount: 'auth-account',
} as const;

export type ThrottlerName = (typeof THROTTLERS)[keyof typeof THROTTLERS];

export const RATE_LIMIT_POLICY = 'nfcpay:rate-limit-policy';

export type RateLimitPolicy =
  | { kind: 'payment' }
  | { kind: 'credentials'; accountField?: string }
  | { kind: 'none' };

/** Which named limits a policy counts against. */
export const POLICY_THROTTLERS: Record<RateLimitPolicy['kind'] | 'default', readonly ThrottlerName[]> = {
  default: [THROTTLERS.nfc],
  payment: [THROTTLERS.strictNfc, THROTTLERS.strictNfcCard],
  credentials: [THROTTLERS.authIp, THROTTLERS.authAccount],
  none: [],
};

/**
 * `@RateLimit({ kind: 'payment' })` for taking payments; `@RateLimit({ kind: 'credentials',
 * accountField: 'email' })` for routes that check a secret, limited per IP and per named account.
 */
export const RateLimit = (policy: Exclude<RateLimitPolicy, { kind: 'none' }>) => SetMetadata(RATE_LIMIT_POLICY, policy);

/** Not an API route (health probes, Prometheus scrapes): no request limit. */
export const NoRateLimit = () => SetMetadata(RATE_LIMIT_POLICY, { kind: 'none' } satisfies RateLimitPolicy);
