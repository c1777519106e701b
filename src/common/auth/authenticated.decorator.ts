import { applyDecorators, SetMetadata } from '@nestjs/common';
import { ApiBearerAuth, ApiSecurity } from '@nestjs/swagger';
import { ApiErrorResponses } from '../docs/api-error-responses';
import { Role, ROLES } from './principal';

export const ROLES_KEY = 'roles';

/**
 * Every route needs a valid token unless marked @Public(); this narrows it to some roles and
 * documents the bearer auth (and, for routes terminals may call, the request signature). Ownership (whose card, whose payment) is checked in the services.
 */
export function Authenticated(options: { roles?: Role[] } = {}) {
  const roles = options.roles ?? [];
  return applyDecorators(
    SetMetadata(ROLES_KEY, roles),
    ApiBearerAuth(),
    // Terminals paired with a device key sign their requests instead (RFC 9421).
    ...(roles.length === 0 || roles.includes('terminal') ? [ApiSecurity('httpSignature')] : []),
    ApiErrorResponses(401),
    // A role check that every role passes cannot answer 403.
    ...(ROLES.some((role) => !roles.includes(role)) && roles.length ? [ApiErrorResponses({ status: 403, description: `Only for: ${roles.join(', ')}` })] : []),
  );
}
