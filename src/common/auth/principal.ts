export const ROLES = ['user', 'terminal', 'admin'] as const;
export type Role = (typeof ROLES)[number];

/**
 * Who is calling, as proven by the access token. For a terminal `id` is its terminalId and
 * `merchantId` the merchant it belongs to; for users and admins `id` is the user id.
 */
export interface Principal {
  id: string;
  role: Role;
  merchantId?: string;
  /** How a terminal proved itself on this request: an RFC 9421 signature by its device key, or a bearer token. */
  proof?: 'signature' | 'token';
}

/** Claims inside an access token. */
export interface AccessTokenClaims {
  sub: string;
  role: Role;
  merchantId?: string;
  /** Terminal tokens: the terminal's and the merchant's credential generations at issue time. */
  tgen?: number;
  mgen?: number;
  /** 'socket': a short token a signing terminal takes for the socket handshake; refused on HTTP. */
  use?: 'socket';
}

export const isAdmin = (principal: Principal) => principal.role === 'admin';
