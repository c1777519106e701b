/**
 * Fixed gas schedule of the local ledger. The numbers are those of a simple transfer on Sui
 * mainnet (1 000 computation units, 988 000 MIST of storage per coin object, 99 % rebated when
 * the object is rewritten), so fees seen in development have the same order as real ones.
 */
export const REFERENCE_GAS_PRICE = 1000n;
export const COMPUTATION_UNITS = 1000n;
export const STORAGE_COST_PER_COIN = 988_000n;
export const STORAGE_REBATE_PER_COIN = 978_120n;
export const NON_REFUNDABLE_PER_COIN = STORAGE_COST_PER_COIN - STORAGE_REBATE_PER_COIN;
/** Used by the resolver when a caller leaves the budget open; covers a transfer many times over. */
export const DEFAULT_GAS_BUDGET = 10_000_000n;

export const SUI_COIN_TYPE = '0x2::coin::Coin<0x2::sui::SUI>';
export const SUI_BALANCE_TYPE = '0x2::sui::SUI';
export const LOCAL_NETWORK = 'localnet';
export const LOCAL_CHAIN_IDENTIFIER = 'local-ledger';
