/** The Sui client every settlement goes through: `LocalLedger` in local mode, `SuiGrpcClient` otherwise. */
export const SUI_CLIENT = Symbol('SUI_CLIENT');
/** Where the signed bytes of each settlement are kept before submission (see `SettlementAttemptStore`). */
export const SETTLEMENT_ATTEMPT_STORE = Symbol('SETTLEMENT_ATTEMPT_STORE');
export const SETTLEMENT_OPTIONS = Symbol('SETTLEMENT_OPTIONS');
export const MASTER_KEY_RING = Symbol('MASTER_KEY_RING');
/** Funds new wallets; only bound in local mode. */
export const WALLET_FAUCET = Symbol('WALLET_FAUCET');
/** The sponsored-gas pool; bound to null unless SUI_SPONSORED_GAS is on. */
export const GAS_STATION = Symbol('GAS_STATION');
/**
 * Settlement for money leaving a merchant's settlement wallet (refunds, payouts): always
 * sponsored, so the wallet moves by exactly the amounts it sends. The payments' gas pool when
 * SUI_SPONSORED_GAS is on, else a pool of its own from the same sponsor.
 */
export const OUTFLOW_SETTLEMENT = Symbol('OUTFLOW_SETTLEMENT');
