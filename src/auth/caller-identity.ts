import { Injectable } from '@nestjs/common';
import type { Request } from 'express';
import type { Principal } from '../common/auth/principal';
import type { CallerIdentity } from '../common/throttling/throttling.module';
import { bearerToken } from './guards/jwt-auth.guard';
import { TokenService } from './token.service';

/**
 * Request limits count per caller; the throttling guard does not depend on running after the auth
 * guard, so it asks this (an HMAC check, microseconds) when no principal is on the request yet.
 */
@Injectable()
export class TokenCallerIdentity implements CallerIdentity {
  constructor(private readonly tokens: TokenService) {}

  async principalOf(req: Request): Promise<Principal | null> {
    return (await this.tokens.verify(bearerToken(req.headers.authorization))) ?? null;
  }
}
