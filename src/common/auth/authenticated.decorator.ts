import { applyDecorators, SetMetadata } from '@nestjs/common';
import { ApiBearerAuth, ApiForbiddenResponse, ApiUnauthorizedResponse } from '@nestjs/swagger';
import { ErrorResponseDto } from '../filters/error-body';
import { Role } from './principal';

export const ROLES_KEY = 'roles';

/**
 * Every route needs a valid token unless marked @Public(); this narrows it to some roles and
 * documents the bearer auth. Ownership (whose card, whose payment) is checked in the services.
 */
export function Authenticated(options: { roles?: Role[] } = {}) {
  const roles = options.roles ?? [];
  return applyDecorators(
    SetMetadata(ROLES_KEY, roles),
    ApiBearerAuth(),
    ApiUnauthorizedResponse({ type: ErrorResponseDto, description: 'Missing, expired or invalid access token' }),
    ...(roles.length ? [ApiForbiddenResponse({ type: ErrorResponseDto, description: `Only for: ${roles.join(', ')}` })] : []),
  );
}
