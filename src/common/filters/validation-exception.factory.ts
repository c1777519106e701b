import { BadRequestException, ValidationError } from '@nestjs/common';

/** Lists every offending field (nested ones as `a.b`) instead of one flat string array. */
export function validationExceptionFactory(errors: ValidationError[]): BadRequestException {
  return new BadRequestException({ error: 'Bad Request', message: 'Validation failed', details: flatten(errors) });
}

function flatten(errors: ValidationError[], parent = ''): { field: string; errors: string[] }[] {
  return errors.flatMap((error) => {
    const field = parent ? `${parent}.${error.property}` : error.property;
    const own = error.constraints ? [{ field, errors: Object.values(error.constraints) }] : [];
    return [...own, ...flatten(error.children ?? [], field)];
  });
}
