import { CanActivate, ExecutionContext, ForbiddenException, Injectable, UnauthorizedException } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request } from 'express';
import { ROLES_KEY } from '../../common/auth/authenticated.decorator';
import type { Principal, Role } from '../../common/auth/principal';
import { IS_PUBLIC_KEY } from '../../common/auth/public.decorator';
import { SignedRequestVerifier } from '../signatures/signed-request.verifier';
import { TokenService } from '../token.service';

/**
 * Global: every HTTP route needs a valid access token or an RFC 9421 signature by a terminal's
 * device key unless marked @Public(), and the roles named by @Authenticated({ roles }). A signature,
 * when present, must verify even on a public route (it then names the caller there too). The
 * principal is left on the request for @CurrentPrincipal().
 */
@Injectable()
export class JwtAuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly tokens: TokenService,
    private readonly signatures: SignedRequestVerifier,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (context.getType() !== 'http') return true;
    const targets = [context.getHandler(), context.getClass()];
    const request = context.switchToHttp().getRequest<Request & { principal?: Principal }>();
    const signed = await this.signatures.check(request);
    if (signed && 'refusal' in signed) throw new UnauthorizedException(signed.refusal);
    if (this.reflector.getAllAndOverride<boolean>(IS_PUBLIC_KEY, targets)) {
      if (signed) request.principal = signed.principal;
      return true;
    }

    const check = signed ?? (await this.tokens.check(bearerToken(request.headers.authorization), 'http'));
    if ('refusal' in check) throw new UnauthorizedException(check.refusal);
    const { principal } = check;

    const roles = this.reflector.getAllAndOverride<Role[] | undefined>(ROLES_KEY, targets) ?? [];
    if (roles.length && !roles.includes(principal.role)) throw new ForbiddenException('This route is not for your role');
    request.principal = principal;
    return true;
  }
}

export function bearerToken(header: string | undefined): string | undefined {
  const match = /^Bearer ([A-Za-z0-9._~+/=-]{1,4096})$/.exec(header ?? '');
  return match?.[1];
}
