/**
 * Creates a user's custodial Sui wallet at registration. The blockchain module provides it;
 * auth only needs the address back.
 */
export interface WalletProvisioner {
  createWallet(userId: string): Promise<{ address: string }>;
}

export const WALLET_PROVISIONER = Symbol('WALLET_PROVISIONER');
