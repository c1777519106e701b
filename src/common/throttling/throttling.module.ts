import { DynamicModule, InjectionToken, Module, ModuleMetadata } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { normalizeIp, ThrottlerModule, type ThrottlerOptions } from '@nestjs/throttler';
import { createHash } from 'node:crypto';
import type Redis from 'ioredis';
import type { Request } from 'express';
import { throttlingConfig, type ThrottlingConfig } from '../../config/app.config';
import { REDIS_CLIENT } from '../../redis/redis.constants';
import type { Principal } from '../auth/principal';
import { POLICY_THROTTLERS, RATE_LIMIT_POLICY, type RateLimitPolicy, THROTTLERS, type ThrottlerName } from './rate-limit.decorator';
import { RedisThrottlerStorage } from './redis-throttler.storage';
import { NfcThrottlerGuard } from './throttling.guard';

type HttpRequest = Request & { principal?: Principal };
type Context = Parameters<NonNullable<ThrottlerOptions['skipIf']>>[0];

/** Who is calling, from the request: the API wires in its token check (src/auth). */
export interface CallerIdentity {
  principalOf(req: HttpRequest): Promise<Principal | null>;
}

function policyOf(context: Context): RateLimitPolicy | undefined {
  return (Reflect.getMetadata(RATE_LIMIT_POLICY, context.getHandler()) ?? Reflect.getMetadata(RATE_LIMIT_POLICY, context.getClass())) as RateLimitPolicy | undefined;
}

function appliesTo(name: ThrottlerName, context: Context): boolean {
  if (context.getType() !== 'http') return false;
  const policy = policyOf(context);
  // A credential route that names no account (register) is limited per IP only.
  if (name === THROTTLERS.authAccount && !(policy?.kind === 'credentials' && policy.accountField)) return false;
  return POLICY_THROTTLERS[policy?.kind ?? 'default'].includes(name);
}

const ipOf = (req: HttpRequest) => `ip:${normalizeIp(req.ip ?? req.socket?.remoteAddress ?? 'unknown')}`;

/**
 * A valid token's principal, or else the IP. A missing or bad token is counted per IP, and then
 * refused with 401 by the auth guard, so a flood of bad tokens is limited too.
 */
async function callerOf(req: HttpRequest, identity: CallerIdentity): Promise<string> {
  const principal = req.principal ?? (await identity.principalOf(req));
  return principal ? `${principal.role}:${principal.id}` : ipOf(req);
}

/** The caller first, then the card it names: another caller naming my card never spends my allowance. */
async function callerAndCardOf(req: HttpRequest, identity: CallerIdentity): Promise<string> {
  const body = req.body as { cardUuid?: unknown; sun?: { p?: unknown } } | undefined;
  const cardUuid = body?.cardUuid;
  const card = typeof cardUuid === 'string' && cardUuid.length <= 64 ? cardUuid : sunTapOf(body?.sun?.p);
  return `${await callerOf(req, identity)}|card:${card}`;
}

/**
 * A SUN tap names its card only inside `p`, which differs on every tap: each message is limited on
 * its own (its replays share one allowance), so a terminal's taps of many secure cards never share
 * one. `p` is hashed, never kept.
 */
function sunTapOf(p: unknown): string {
  return typeof p === 'string' && p.length <= 64 ? `sun:${createHash('sha256').update(p.toLowerCase()).digest('base64url').slice(0, 22)}` : '-';
}

/**
 * The account named in the body, from this address: guesses at one account are limited wherever
 * they come from, yet a flood from one address never locks the owner out from another.
 */
function accountOf(req: HttpRequest, context: Context): string {
  const policy = policyOf(context);
  const field = policy?.kind === 'credentials' ? policy.accountField : undefined;
  const value = field ? (req.body as Record<string, unknown> | undefined)?.[field] : undefined;
  return typeof value === 'string' ? `${field}:${value.trim().toLowerCase()}|${ipOf(req)}` : ipOf(req);
}

/** `<throttler>:<hash of tracker>`; the storage adds `<REDIS_KEY_PREFIX>throttle:`. */
export function throttleKey(throttler: string, tracker: string): string {
  return `${throttler}:${createHash('sha256').update(tracker).digest('base64url').slice(0, 32)}`;
}

export function namedThrottlers(config: ThrottlingConfig, identity: CallerIdentity): ThrottlerOptions[] {
  const only = (name: ThrottlerName) => (context: Context) => !config.enabled || !appliesTo(name, context);
  const { payment, nfc, auth } = config;
  const caller = (req: Record<string, unknown>) => callerOf(req as unknown as HttpRequest, identity);
  return [
    { name: THROTTLERS.strictNfc, limit: payment.limit, ttl: payment.ttlMs, skipIf: only(THROTTLERS.strictNfc), getTracker: caller },
    { name: THROTTLERS.strictNfcCard, limit: payment.cardLimit, ttl: payment.ttlMs, skipIf: only(THROTTLERS.strictNfcCard), getTracker: (req) => callerAndCardOf(req as unknown as HttpRequest, identity) },
    { name: THROTTLERS.nfc, limit: nfc.limit, ttl: nfc.ttlMs, skipIf: only(THROTTLERS.nfc), getTracker: caller },
    { name: THROTTLERS.authIp, limit: auth.ipLimit, ttl: auth.ttlMs, skipIf: only(THROTTLERS.authIp), getTracker: (req) => ipOf(req as unknown as HttpRequest) },
    { name: THROTTLERS.authAccount, limit: auth.accountLimit, ttl: auth.ttlMs, skipIf: only(THROTTLERS.authAccount), getTracker: (req, context) => accountOf(req as unknown as HttpRequest, context) },
  ];
}

/**
 * Named request limits for the whole API, counted in Redis (shared by every instance), applied by a
 * global guard; each route's policy is declared on its controller (rate-limit.decorator.ts). The
 * API root hands in how to identify a caller, so this module depends on no domain module.
 */
@Module({})
export class ThrottlingModule {
  static forRoot(options: { imports: ModuleMetadata['imports']; identity: InjectionToken }): DynamicModule {
    return {
      module: ThrottlingModule,
      imports: [
        ThrottlerModule.forRootAsync({
          imports: options.imports,
          inject: [throttlingConfig.KEY, REDIS_CLIENT, options.identity],
          useFactory: (config: ThrottlingConfig, redis: Redis, identity: CallerIdentity) => ({
            throttlers: namedThrottlers(config, identity),
            storage: new RedisThrottlerStorage(redis),
            generateKey: (_context, tracker, name) => throttleKey(name, tracker),
          }),
        }),
      ],
      providers: [{ provide: APP_GUARD, useClass: NfcThrottlerGuard }],
    };
  }
}
