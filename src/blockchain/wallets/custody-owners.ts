/** Custodial wallets are keyed by owner; these are the owners that are not cardholders. */
export const merchantWalletOwner = (merchantId: string) => `merchant:${merchantId}`;
export const PLATFORM_FEE_WALLET_OWNER = 'platform:fees';
