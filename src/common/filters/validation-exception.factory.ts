import { BadRequestException, ValidationError } from '@nestjs/common';

/** class-validator's type checks, and what each says the value must be. */
const EXPECTED_TYPES: Record<string, string> = {
  isInt: 'an integer',
  isNumber: 'a number',
  isString: 'a string',
  isBoolean: 'true or false',
  isDate: 'an ISO 8601 date-time',
  isArray: 'an array',
  isObject: 'an object',
  nestedValidation: 'an object',
};

/**
 * Lists every offending field (nested ones as `a.b`) with one message each, the most basic
 * problem first: a missing field is "required", a value of the wrong type says which type, and
 * only a value of the right type gets the finer rule it breaks (range, pattern, length).
 */
export function validationExceptionFactory(errors: ValidationError[]): BadRequestException {
  return new BadRequestException({ error: 'Bad Request', message: 'Validation failed', details: flatten(errors) });
}

function flatten(errors: ValidationError[], parent = ''): { field: string; errors: string[] }[] {
  return errors.flatMap((error) => {
    const field = parent ? `${parent}.${error.property}` : error.property;
    const own = error.constraints ? [{ field, errors: [messageFor(field, error.value, error.constraints)] }] : [];
    return [...own, ...flatten(error.children ?? [], field)];
  });
}

function messageFor(field: string, value: unknown, constraints: Record<string, string>): string {
  if (constraints.whitelistValidation) return `${field} is not a field this request takes`;
  if (value === undefined || value === null) return `${field} is required`;
  const typeCheck = Object.keys(constraints).find((name) => name in EXPECTED_TYPES);
  if (typeCheck) return `${field} must be ${EXPECTED_TYPES[typeCheck]}${receivedType(value, typeCheck)}`;
  return Object.values(constraints)[0];
}

/** ", not a string" when the JSON type itself is wrong (not for 1.5 sent as an integer). */
function receivedType(value: unknown, typeCheck: string): string {
  const received = jsonTypeOf(value);
  const numeric = typeCheck === 'isInt' || typeCheck === 'isNumber';
  if (!received || (numeric && received === 'a number') || EXPECTED_TYPES[typeCheck] === received) return '';
  return `, not ${received}`;
}

/** Undefined for what JSON cannot hold, e.g. the Invalid Date a query transform made. */
function jsonTypeOf(value: unknown): string | undefined {
  if (Array.isArray(value)) return 'an array';
  if (value instanceof Date) return undefined;
  return ({ object: 'an object', string: 'a string', boolean: 'a boolean', number: 'a number' } as Record<string, string>)[typeof value];
}
