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
