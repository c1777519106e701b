import { SettlementError, SettlementFailureCode } from './settlement.error';

const PATTERNS: [RegExp, SettlementFailureCode][] = [
  [/not available for consumption|ObjectVersionUnavailableForConsumption|Could not find the referenced object|ObjectNotFound|conflicting transaction|ObjectLockConflict|already locked/i, 'STALE_OBJECT'],
  [/GasBalanceTooLow|Balance of gas object|InsufficientCoinBalance|Insufficient coin balance|InsufficientGas|insufficient (sui )?balance/i, 'INSUFFICIENT_BALANCE'],
  [/Signature is not valid|InvalidSignature|IncorrectUserSignature|Expected a signature/i, 'INVALID_SIGNATURE'],
  [/timed? ?out|DEADLINE_EXCEEDED|ETIMEDOUT|TimeoutError|AbortError/i, 'TIMEOUT'],
  [/UNAVAILABLE|ECONNRESET|ECONNREFUSED|EAI_AGAIN|ENOTFOUND|socket hang up|fetch failed|network|RESOURCE_EXHAUSTED|Too many requests/i, 'NETWORK'],
  [/Invalid Sui address|invalid address/i, 'INVALID_ADDRESS'],
];

/**
 * Maps whatever a Sui client threw to a typed settlement failure. Matching is on the codes and
 * wording of Sui validator errors (which the local ledger reproduces), so the same rules hold on
 * a real network. Anything unrecognised is transient: retrying resubmits the same stored bytes,
 * so it can never pay twice.
 */
export function classifyFailure(error: unknown): SettlementError {
  if (error instanceof SettlementError) return error;
  if (error instanceof Error && error.name === 'WalletKeyError') return new SettlementError('WALLET_KEY', error.message);
  const text = describe(error);
  for (const [pattern, code] of PATTERNS) {
    if (pattern.test(text)) return new SettlementError(code, text);
  }
  return new SettlementError('UNKNOWN', text);
}

function describe(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const code = (error as { code?: unknown }).code;
  const cause = error.cause instanceof Error ? ` (${error.cause.name}: ${error.cause.message})` : '';
  return `${typeof code === 'string' ? `${code}: ` : ''}${error.name}: ${error.message}${cause}`;
}

/** A transaction that executed but failed on chain: permanent, and gas was paid. */
export function onChainFailure(message: string, txHash: string, gasFeeMist: string): SettlementError {
  const code: SettlementFailureCode = /InsufficientCoinBalance|Insufficient coin balance|InsufficientGas/i.test(message)
    ? 'INSUFFICIENT_BALANCE'
    : 'EXECUTION_FAILED';
  return new SettlementError(code, `transaction ${txHash} failed on chain: ${message}`, { txHash, gasFeeMist });
}
