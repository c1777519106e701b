import { Injectable } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { AccessTokenClaims, Principal, ROLES } from '../common/auth/principal';

/** Issues and verifies access tokens; HS256 only, so `alg:none` and algorithm swaps are refused. */
@Injectable()
export class TokenService {
  constructor(private readonly jwt: JwtService) {}

  issue(principal: Principal): Promise<string> {
    const claims: AccessTokenClaims = { sub: principal.id, role: principal.role, ...(principal.merchantId && { merchantId: principal.merchantId }) };
    return this.jwt.signAsync(claims, { algorithm: 'HS256' });
  }

  /** The principal a token proves, or undefined for anything missing, expired, malformed or forged. */
  async verify(token: string | undefined): Promise<Principal | undefined> {
    if (!token) return undefined;
    try {
      const claims = await this.jwt.verifyAsync<AccessTokenClaims & { exp?: number }>(token, { algorithms: ['HS256'] });
      if (typeof claims.sub !== 'string' || !ROLES.includes(claims.role)) return undefined;
      if (claims.role === 'terminal' && typeof claims.merchantId !== 'string') return undefined;
      return { id: claims.sub, role: claims.role, ...(claims.role === 'terminal' && { merchantId: claims.merchantId }) };
    } catch {
      return undefined;
    }
  }

  /** Seconds until the token expires (the realtime gateway disconnects sockets then). */
  expiresInSeconds(token: string): number | undefined {
    const decoded = this.jwt.decode<{ exp?: number } | null>(token);
    return decoded?.exp ? decoded.exp - Math.floor(Date.now() / 1000) : undefined;
  }
}
