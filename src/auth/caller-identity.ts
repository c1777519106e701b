import { Injectable } from '@nestjs/common';
import type { Request } from 'express';
import type { Principal } from '../common/auth/principal';
import type { CallerIdentity } from '../common/throttling/throttling.module';
import { bearerToken } from './guards/jwt-auth.guard';
import { SignedRequestVerifier } from './signatures/signed-request.verifier';
import { TokenService } from './token.service';

/**
 * Request limits count per caller; the throttling guard does not depend on running after the auth
 * guard, so it asks this (an HMAC check, microseconds) when no principal is on the request yet.
 */
@Injectable()
export class TokenCallerIdentity implements CallerIdentity {
  constructor(
    private readonly tokens: TokenService,
    private readonly signatures: SignedRequestVerifier,
  ) {}

  /** A signature is checked once per request (it spends a nonce); the auth guard reuses the result. */
  async principalOf(req: Request): Promise<Principal | null> {
    const signed = await this.signatures.check(req);
    if (signed) return 'principal' in signed ? signed.principal : null;
    return (await this.tokens.verify(bearerToken(req.headers.authorization))) ?? null;
  }
}
