/**
 * The public Socket.IO contract (kept from the seed's `socket.config.ts`): path, event names and
 * room names. Payload fields are documented on the builders in realtime.payloads.ts.
 */
export const SOCKET_PATH = '/nfc-ws';

/** Events a client may send; each takes one string (or nothing) and an acknowledgement callback. */
export const CLIENT_EVENTS = {
  subscribeCard: 'subscribe:card',
  subscribeTransaction: 'subscribe:transaction',
  unsubscribeCard: 'unsubscribe:card',
  unsubscribeTransaction: 'unsubscribe:transaction',
  ping: 'ping',
} as const;

/** Events the server sends. */
export const SERVER_EVENTS = {
  connected: 'connected',
  pong: 'pong',
  transactionUpdate: 'transaction:update',
  transactionCompleted: 'transaction:completed',
  transactionFailed: 'transaction:failed',
  /** A tap needs the cardholder's PIN at the terminal that took it (not in the seed). */
  transactionRequiresPin: 'transaction:requires_pin',
  cardStatusUpdate: 'card:status:update',
  balanceUpdate: 'balance:update',
  systemAlert: 'system:alert',
  systemShutdown: 'system:shutdown',
  /** Sent just before the server ends a connection whose access token expired (not in the seed). */
  sessionExpired: 'session:expired',
  /** Sent just before the server ends a terminal's connection whose access was revoked (not in the seed). */
  accessRevoked: 'session:revoked',
  /** A refund was asked for or reached its final status (not in the seed). */
  refundUpdate: 'refund:update',
  /** A payout was asked for or reached its final status (not in the seed). */
  payoutUpdate: 'payout:update',
  /** A QR payment request's payment was accepted (not in the seed). */
  paymentRequestPaid: 'payment_request:paid',
} as const;

export const rooms = {
  user: (userId: string) => `user:${userId}`,
  merchant: (merchantId: string) => `merchant:${merchantId}`,
  card: (cardUuid: string) => `card:${cardUuid}`,
  transaction: (transactionId: string) => `transaction:${transactionId}`,
  /** Every admin socket, for operational alerts. */
  admins: 'role:admin',
  /** Internal rooms (never subscribable) for reaching every socket of one terminal or of one merchant's terminals. */
  terminalPrincipal: (terminalId: string) => `terminal-principal:${terminalId}`,
  merchantPrincipal: (merchantId: string) => `merchant-principal:${merchantId}`,
} as const;

/** Limits and timings of the realtime gateway. */
export const REALTIME_LIMITS = {
  /** A client event's id argument: 1..128 characters of [A-Za-z0-9_.:-]. */
  maxIdLength: 128,
  /** Token bucket per socket: burst, and refill per second. */
  rateBurst: 20,
  ratePerSecond: 10,
  /** Card and transaction rooms one socket may hold at once. */
  maxSubscriptions: 200,
  /** Largest message a client may send (bytes); client events carry an id only. */
  maxHttpBufferSize: 16 * 1024,
  /** How long the server keeps a dropped connection's rooms and missed events. */
  maxDisconnectionDurationMs: 2 * 60 * 1000,
  /**
   * Entries the adapter's Redis stream keeps (trimmed with MAXLEN ~). Recovery needs the client's
   * offset still in the stream: at ~80 broadcasts/s (20 payments/s) this is ~6 minutes, well over
   * maxDisconnectionDuration, for some 15-30 MB of Redis memory.
   */
  streamMaxLen: 30_000,
  /** Time given to `system:shutdown` to reach the clients before the server closes. */
  shutdownFlushMs: 150,
} as const;
