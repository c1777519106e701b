import { ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { InjectThrottlerOptions, InjectThrottlerStorage, ThrottlerException, ThrottlerGuard, type ThrottlerLimitDetail, type ThrottlerModuleOptions, type ThrottlerStorage } from '@nestjs/throttler';
import type { Response } from 'express';

/**
 * ThrottlerGuard with the API's answer to a passed limit: 429, a standard `Retry-After` header
 * (seconds), and the standard error body (the global filter adds `success:false` and the
 * requestId). The per-limit headers of @nestjs/throttler (`X-RateLimit-*-<name>`) stay as well.
 */
@Injectable()
export class NfcThrottlerGuard extends ThrottlerGuard {
  constructor(@InjectThrottlerOptions() options: ThrottlerModuleOptions, @InjectThrottlerStorage() storage: ThrottlerStorage, reflector: Reflector) {
    super(options, storage, reflector);
  }

  protected override async throwThrottlingException(context: ExecutionContext, detail: ThrottlerLimitDetail): Promise<void> {
    const retryAfter = Math.max(detail.timeToBlockExpire, 1);
    const name = detail.key.slice(0, detail.key.indexOf(':'));
    context.switchToHttp().getResponse<Response>().setHeader('Retry-After', String(retryAfter));
    throw new ThrottlerException(`Rate limit "${name}" exceeded (${detail.limit} per ${Math.round(detail.ttl / 1000)} s); retry in ${retryAfter} s`);
  }
}
