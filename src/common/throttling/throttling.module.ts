import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { ConfigModule } from '@nestjs/config';
import { ThrottlerModule, type ThrottlerOptions } from '@nestjs/throttler';
import type Redis from 'ioredis';
import type { Request } from 'express';
import { AuthModule } from '../../auth/auth.module';
import { bearerToken } from '../../auth/guards/jwt-auth.guard';
import { TokenService } from '../../auth/token.service';
import { throttlingConfig, type ThrottlingConfig } from '../../config/app.config';
import { REDIS_CLIENT } from '../../redis/redis.constants';
import type { Principal } from '../auth/principal';
import { RedisThrottlerStorage } from './redis-throttler.storage';
import { accountOf, appliesTo, cardOf, ipOf, routeOf, THROTTLERS, throttleKey } from './throttle-routes';
import { NfcThrottlerGuard } from './throttling.guard';

type HttpRequest = Request & { principal?: Principal };

/**
 * Who is calling, for per-principal limits. The throttling guard does not depend on running after
 * JwtAuthGuard: it uses the principal that guard left on the request, or else verifies the bearer
 * token itself (an HMAC check, microseconds). A missing or bad token is counted per IP — and then
 * refused with 401 by JwtAuthGuard, so a flood of bad tokens is limited too.
 */
async function callerOf(req: HttpRequest, tokens: TokenService): Promise<string> {
  const principal = req.principal ?? (await tokens.verify(bearerToken(req.headers.authorization)));
  return principal ? `${principal.role}:${principal.id}` : ipOf(req);
}

export function namedThrottlers(config: ThrottlingConfig, tokens: TokenService): ThrottlerOptions[] {
  const only = (name: keyof typeof appliesTo) => (context: Parameters<NonNullable<ThrottlerOptions['skipIf']>>[0]) => {
    const route = routeOf(context);
    return !config.enabled || !route || !appliesTo[name](route);
  };
  const { payment, nfc, auth } = config;
  return [
    { name: THROTTLERS.strictNfc, limit: payment.limit, ttl: payment.ttlMs, skipIf: only(THROTTLERS.strictNfc), getTracker: (req) => callerOf(req as HttpRequest, tokens) },
    {
      name: THROTTLERS.strictNfcCard,
      limit: payment.cardLimit,
      ttl: payment.ttlMs,
      skipIf: only(THROTTLERS.strictNfcCard),
      getTracker: async (req) => cardOf(req as HttpRequest, await callerOf(req as HttpRequest, tokens)),
    },
    { name: THROTTLERS.nfc, limit: nfc.limit, ttl: nfc.ttlMs, skipIf: only(THROTTLERS.nfc), getTracker: (req) => callerOf(req as HttpRequest, tokens) },
    { name: THROTTLERS.authIp, limit: auth.ipLimit, ttl: auth.ttlMs, skipIf: only(THROTTLERS.authIp), getTracker: (req) => ipOf(req as HttpRequest) },
    {
      name: THROTTLERS.authAccount,
      limit: auth.accountLimit,
      ttl: auth.ttlMs,
      skipIf: only(THROTTLERS.authAccount),
      getTracker: (req, context) => accountOf(req as HttpRequest, routeOf(context) ?? ''),
    },
  ];
}

/**
 * Named request limits for the whole API, counted in Redis (shared by every instance), applied by
 * a global guard. See throttle-routes.ts for which limit covers which route.
 */
@Module({
  imports: [
    ConfigModule.forFeature(throttlingConfig),
    ThrottlerModule.forRootAsync({
      imports: [ConfigModule.forFeature(throttlingConfig), AuthModule],
      inject: [throttlingConfig.KEY, REDIS_CLIENT, TokenService],
      useFactory: (config: ThrottlingConfig, redis: Redis, tokens: TokenService) => ({
        throttlers: namedThrottlers(config, tokens),
        storage: new RedisThrottlerStorage(redis),
        generateKey: (_context, tracker, name) => throttleKey(name, tracker),
      }),
    }),
  ],
  providers: [{ provide: APP_GUARD, useClass: NfcThrottlerGuard }],
})
export class ThrottlingModule {}
