import { CanActivate, ExecutionContext, ForbiddenException, Injectable, UnauthorizedException } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request } from 'express';
import { ROLES_KEY } from '../../common/auth/authenticated.decorator';
import type { Principal, Role } from '../../common/auth/principal';
import { IS_PUBLIC_KEY } from '../../common/auth/public.decorator';
import { TokenService } from '../token.service';

/**
 * Global: every HTTP route needs a valid access token unless marked @Public(), and the roles
 * named by @Authenticated({ roles }). The principal is left on the request for @CurrentPrincipal().
 */
@Injectable()
export class JwtAuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly tokens: TokenService,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (context.getType() !== 'http') return true;
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(IS_PUBLIC_KEY, targets)) return true;

    const request = context.switchToHttp().getRequest<Request & { principal?: Principal }>();
    const principal = await this.tokens.verify(bearerToken(request.headers.authorization));
    if (!principal) throw new UnauthorizedException('Missing, expired or invalid access token');

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
