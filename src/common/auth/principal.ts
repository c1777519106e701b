export const ROLES = ['user', 'terminal', 'admin', 'merchant'] as const;
export type Role = (typeof ROLES)[number];

/** A merchant staff member's standing: owners may also invite staff and take payouts. */
export const STAFF_ROLES = ['owner', 'staff'] as const;
export type StaffRole = (typeof STAFF_ROLES)[number];

/**
 * Who is calling, as proven by the access token. For a terminal `id` is its terminalId and
 * `merchantId` the merchant it belongs to; for users, admins and merchant staff `id` is the user
 * id, and staff (role `merchant`) also carry their merchant and `staffRole`.
 */
export interface Principal {
  id: string;
  role: Role;
  merchantId?: string;
  /** How a terminal proved itself on this request: an RFC 9421 signature by its device key, or a bearer token. */
  proof?: 'signature' | 'token';
  /** A signing terminal: the credential generation of the key that verified this request's signature. */
  keyGeneration?: number;
  staffRole?: StaffRole;
}

/** Claims inside an access token. */
export interface AccessTokenClaims {
  sub: string;
  role: Role;
  merchantId?: string;
  staffRole?: StaffRole;
  /** Terminal tokens: the terminal's credential generation at issue time. */
  tgen?: number;
  /** Terminal and staff tokens: the merchant's access generation at issue time. */
  mgen?: number;
  /** 'socket': a short token a signing terminal takes for the socket handshake; refused on HTTP. */
  use?: 'socket';
}

export const isAdmin = (principal: Principal) => principal.role === 'admin';

/**
 * The merchant a terminal or staff member acts for, or undefined for cardholders and admins.
 * Everything a terminal may see of its merchant, its staff see too.
 */
export const merchantOf = (principal: Principal): string | undefined =>
  principal.role === 'terminal' || principal.role === 'merchant' ? principal.merchantId : undefined;

export const isMerchantOwner = (principal: Principal, merchantId: string) =>
  principal.role === 'merchant' && principal.staffRole === 'owner' && principal.merchantId === merchantId;
