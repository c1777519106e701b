import { ValidateIf } from 'class-validator';

/**
 * Like `@IsOptional()`, but only leaving the field out skips its checks: `@IsOptional()` lets
 * `null` through too, and an amount of `null` would then mean "all of it" (a full refund or payout)
 * or be stored as a limit of `null`.
 */
export function Omittable(): PropertyDecorator {
  return ValidateIf((_object, value) => value !== undefined);
}
