import { SetMetadata } from '@nestjs/common';

export const IS_PUBLIC_KEY = 'isPublic';

/** Marks a route that needs no token (health checks, login, register). */
export const Public = () => SetMetadata(IS_PUBLIC_KEY, true);
