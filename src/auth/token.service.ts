import { Injectable } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { AccessTokenClaims, Principal, ROLES, STAFF_ROLES } from '../common/auth/principal';
import { MerchantsService, type TerminalGrant } from '../merchants/merchants.service';

/** The socket handshake token of a signing terminal lives this long (its socket is dropped then). */
export const SOCKET_TOKEN_SECONDS = 300;

/** Where a token is presented: HTTP routes, or the Socket.IO handshake. */
export type TokenChannel = 'http' | 'socket';

export type TokenCheck = { principal: Principal } | { refusal: string };

const INVALID_TOKEN = 'Missing, expired or invalid access token';

/** Issues and verifies access tokens; HS256 only, so `alg:none` and algorithm swaps are refused. */
@Injectable()
export class TokenService {
  constructor(
    private readonly jwt: JwtService,
    private readonly merchants: MerchantsService,
  ) {}

  /** A cardholder's or admin's token. */
  issue(principal: Principal): Promise<string> {
    const claims: AccessTokenClaims = { sub: principal.id, role: principal.role, ...(principal.merchantId && { merchantId: principal.merchantId }) };
    return this.jwt.signAsync(claims, { algorithm: 'HS256' });
  }

  /** A merchant staff member's token, good while its merchant stays active and unsuspended since. */
  issueStaff(principal: Principal, merchantGeneration: number): Promise<string> {
    const claims: AccessTokenClaims = { sub: principal.id, role: 'merchant', merchantId: principal.merchantId, staffRole: principal.staffRole, mgen: merchantGeneration };
    return this.jwt.signAsync(claims, { algorithm: 'HS256' });
  }

  /** A terminal's token, good only while the credentials it was issued under are (see MerchantsService.isGrantCurrent). */
  issueTerminal(grant: TerminalGrant): Promise<string> {
    const claims: AccessTokenClaims = { sub: grant.terminalId, role: 'terminal', merchantId: grant.merchantId, tgen: grant.terminalGeneration, mgen: grant.merchantGeneration };
    return this.jwt.signAsync(claims, { algorithm: 'HS256' });
  }

  /**
   * For a terminal that signs its requests, which cannot use a bearer token on HTTP: a short token
   * marked for the socket handshake only, dying with the credentials like any terminal token.
   */
  issueSocket(grant: TerminalGrant): Promise<string> {
    const claims: AccessTokenClaims = { sub: grant.terminalId, role: 'terminal', merchantId: grant.merchantId, tgen: grant.terminalGeneration, mgen: grant.merchantGeneration, use: 'socket' };
    return this.jwt.signAsync(claims, { algorithm: 'HS256', expiresIn: SOCKET_TOKEN_SECONDS });
  }

  /**
   * The principal a token proves, or undefined for anything missing, expired, malformed or forged,
   * and for a terminal token whose terminal was disabled or rotated, or whose merchant was
   * suspended, since it was issued (and a staff token whose merchant was suspended). HTTP guard and socket handshake both come through here.
   */
  async verify(token: string | undefined, channel: TokenChannel = 'http'): Promise<Principal | undefined> {
    const check = await this.check(token, channel);
    return 'principal' in check ? check.principal : undefined;
  }

  /**
   * `verify` with the reason for a refusal. A terminal with a device key signs its HTTP requests, so
   * its bearer tokens are refused there; on the socket only its socket tokens are accepted; and a
   * socket token is never accepted on HTTP.
   */
  async check(token: string | undefined, channel: TokenChannel): Promise<TokenCheck> {
    const claims = await this.validClaims(token);
    if (!claims) return { refusal: INVALID_TOKEN };
    if (claims.role === 'merchant') {
      if (claims.use || !(await this.merchants.isStaffGrantCurrent(claims.merchantId!, claims.mgen ?? 0))) return { refusal: INVALID_TOKEN };
      return { principal: { id: claims.sub, role: 'merchant', merchantId: claims.merchantId, staffRole: claims.staffRole } };
    }
    if (claims.role !== 'terminal') return claims.use ? { refusal: INVALID_TOKEN } : { principal: { id: claims.sub, role: claims.role } };
    if (channel === 'http' && claims.use === 'socket') return { refusal: 'This token is for the socket handshake only' };
    const grant = { terminalId: claims.sub, merchantId: claims.merchantId!, terminalGeneration: claims.tgen ?? 0, merchantGeneration: claims.mgen ?? 0 };
    const terminal = await this.merchants.currentGrantTerminal(grant);
    if (!terminal) return { refusal: INVALID_TOKEN };
    if (terminal.publicKey && claims.use !== 'socket') {
      return { refusal: 'This terminal signs its requests (RFC 9421 with its device key): a bearer token alone is refused' };
    }
    return { principal: { id: claims.sub, role: 'terminal', merchantId: claims.merchantId, proof: 'token' } };
  }

  /** Seconds until the token expires (the realtime gateway disconnects sockets then). */
  expiresInSeconds(token: string): number | undefined {
    const decoded = this.jwt.decode<{ exp?: number } | null>(token);
    return decoded?.exp ? decoded.exp - Math.floor(Date.now() / 1000) : undefined;
  }

  private async validClaims(token: string | undefined): Promise<AccessTokenClaims | undefined> {
    if (!token) return undefined;
    let claims: AccessTokenClaims;
    try {
      claims = await this.jwt.verifyAsync<AccessTokenClaims>(token, { algorithms: ['HS256'] });
    } catch {
      return undefined;
    }
    if (typeof claims.sub !== 'string' || !ROLES.includes(claims.role) || (claims.use !== undefined && claims.use !== 'socket')) return undefined;
    if (claims.role === 'merchant') return typeof claims.merchantId === 'string' && STAFF_ROLES.includes(claims.staffRole!) ? claims : undefined;
    if (claims.role !== 'terminal') return claims;
    // Tokens issued before generations existed carry none: generation 0, which the first rotation ends.
    const generationsWellFormed = [claims.tgen, claims.mgen].every((generation) => generation === undefined || Number.isSafeInteger(generation));
    return typeof claims.merchantId === 'string' && generationsWellFormed ? claims : undefined;
  }
}
