import { SuiClientError } from '@mysten/sui/client';

/**
 * Why the local ledger refused a transaction before executing it. Codes and messages follow the
 * names and wording of Sui's own validator errors, so failure classification written against
 * this ledger also recognises what a real node answers.
 */
export type LocalLedgerErrorCode =
  | 'InvalidSignature'
  | 'ObjectVersionUnavailableForConsumption'
  | 'ObjectNotFound'
  | 'IncorrectUserSignature'
  | 'GasBalanceTooLow'
  | 'GasPriceUnderRGP'
  | 'GasBudgetTooLow'
  | 'ObjectLockConflict'
  | 'Unsupported'
  | 'InvalidTransaction';

export class LocalLedgerError extends SuiClientError {
  override readonly name = 'LocalLedgerError';

  constructor(
    readonly code: LocalLedgerErrorCode,
    message: string,
  ) {
    super(`local ledger: ${code}: ${message}`);
  }
}
