export const TERMINAL_ACCESS_REVOKED = 'terminal.access.revoked';
export const MERCHANT_ACCESS_REVOKED = 'merchant.access.revoked';

export type TerminalRevocationReason = 'terminal_disabled' | 'credentials_rotated' | 'key_changed';
export type MerchantRevocationReason = 'merchant_suspended';

/**
 * A terminal's earlier credentials stopped standing for anything (disabled, secret or key rotated).
 * Emitted after the change is stored; realtime drops that terminal's open sockets with the reason.
 */
export interface TerminalAccessRevokedEvent {
  terminalId: string;
  merchantId: string;
  reason: TerminalRevocationReason;
}

/** Every terminal (and staff member) of the merchant lost access; realtime drops their sockets. */
export interface MerchantAccessRevokedEvent {
  merchantId: string;
  reason: MerchantRevocationReason;
}
