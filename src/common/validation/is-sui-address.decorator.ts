import { isValidSuiAddress } from '@mysten/sui/utils';
import { ValidateBy, ValidationOptions } from 'class-validator';

/** A full 0x-prefixed, 64-hex-digit Sui address. */
export function IsSuiAddress(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isSuiAddress',
      validator: {
        validate: (value: unknown) => typeof value === 'string' && /^0x[0-9a-fA-F]{64}$/.test(value) && isValidSuiAddress(value),
        defaultMessage: () => '$property must be a Sui address (0x followed by 64 hex digits)',
      },
    },
    options,
  );
}
