/** Transient failures are worth retrying (same stored bytes); permanent ones fail the payment. */
export type SettlementFailureKind = 'transient' | 'permanent';

export type SettlementFailureCode =
  | 'NETWORK'
  | 'TIMEOUT'
  | 'STALE_OBJECT'
  | 'WALLET_BUSY'
  /** Sponsored gas: every gas coin of the pool is in use. */
  | 'GAS_POOL_BUSY'
  /** Sponsored gas: no coin of the sponsor can cover a budget; waits for a top-up rather than failing payments. */
  | 'GAS_SPONSOR_EMPTY'
  | 'INSUFFICIENT_BALANCE'
  | 'INVALID_ADDRESS'
  | 'INVALID_AMOUNT'
  | 'INVALID_SIGNATURE'
  | 'WALLET_KEY'
  | 'EXECUTION_FAILED'
  | 'UNKNOWN';

const PERMANENT: ReadonlySet<SettlementFailureCode> = new Set([
  'INSUFFICIENT_BALANCE',
  'INVALID_ADDRESS',
  'INVALID_AMOUNT',
  'INVALID_SIGNATURE',
  'WALLET_KEY',
  'EXECUTION_FAILED',
]);

export class SettlementError extends Error {
  override readonly name = 'SettlementError';
  readonly kind: SettlementFailureKind;

  constructor(
    readonly code: SettlementFailureCode,
    message: string,
    /** Set when a transaction executed on chain and failed there (gas was charged). */
    readonly onChain?: { txHash: string; gasFeeMist: string },
  ) {
    super(message);
    this.kind = PERMANENT.has(code) ? 'permanent' : 'transient';
  }

  get retryable(): boolean {
    return this.kind === 'transient';
  }
}

/**
 * Bytes that are, byte for byte, a transaction another payment already stored: built on the same
 * coin versions for the same amount and merchant. `owner` is that payment.
 */
export class DigestTakenError extends SettlementError {
  constructor(
    readonly digest: string,
    readonly owner: string,
  ) {
    super('STALE_OBJECT', `transaction ${digest} already belongs to payment ${owner}: it was built on coins that payment spent or is about to spend`);
  }
}
