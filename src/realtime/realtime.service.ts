import { Inject, Injectable, Logger, Optional } from '@nestjs/common';
import type { RemoteSocket, Server, Socket } from 'socket.io';
import type { CardUpdatedEvent } from '../cards/card.events';
import type { Principal } from '../common/auth/principal';
import type { RefundEvent } from '../refunds/refund.events';
import type { PayoutEvent } from '../merchants/money/payout.schema';
import type { PaymentRequestPaidEvent } from '../payment-requests/payment-request.schema';
import type { MerchantAccessRevokedEvent, TerminalAccessRevokedEvent } from '../merchants/merchant-access.events';
import type { PaymentEvent } from '../payments/payment.events';
import { CLIENT_EVENTS, REALTIME_LIMITS, rooms, SERVER_EVENTS } from './realtime.constants';
import { formatSui } from '../blockchain/wallets/format-sui';
import {
  balancePayload,
  cardStatusPayload,
  finalEventOf,
  fromPaymentEvent,
  fromTransaction,
  isFinalStatus,
  transactionRequiresPinPayload,
  transactionUpdatePayload,
} from './realtime.payloads';
import {
  type CardAccess,
  REALTIME_CARD_ACCESS,
  REALTIME_TRANSACTION_LOOKUP,
  REALTIME_WALLET_LOOKUP,
  type TransactionLookup,
  type WalletLookup,
} from './realtime.ports';
import { parseId } from './socket-input';

/** What every socket carries in `socket.data` (plain data: it crosses instances and is kept for recovery). */
export interface SocketData {
  principal: Principal;
  /** Token expiry, epoch milliseconds. */
  expiresAt?: number;
}

export type Ack = { success: true; [field: string]: unknown } | { success: false; error: { event: string; reason: string } };

export type AlertLevel = 'info' | 'warning' | 'error';
export type AlertAudience = 'all' | 'admins';

export interface WsStatus {
  status: 'active' | 'degraded' | 'inactive';
  totalConnections: number;
  uniqueUsers: number;
  connectedUsers: string[];
  connectionsByRole: Record<'user' | 'terminal' | 'admin' | 'merchant', number>;
  merchantsOnline: number;
  localConnections: number;
  instances: number | null;
  timestamp: Date;
  error?: string;
}

/** One answer for an unknown id and for somebody else's, so a refusal says nothing about existence. */
export const NOT_AVAILABLE = 'Not found or not permitted';
const INVALID_ID = `Expected one id string of 1-${REALTIME_LIMITS.maxIdLength} characters [A-Za-z0-9_.:-]`;

export const refuse = (event: string, reason: string): Ack => ({ success: false, error: { event, reason } });

/**
 * Owns the Socket.IO server's rooms and broadcasts: authorizes subscriptions (asking cards and
 * payments read-only questions through ports) and turns domain events into server events.
 * Broadcasts go through the Redis streams adapter, so they reach clients on every instance, also
 * when they are made in a worker-only process.
 */
@Injectable()
export class RealtimeService {
  private readonly logger = new Logger(RealtimeService.name);
  private server?: Server;

  constructor(
    @Inject(REALTIME_CARD_ACCESS) private readonly cards: CardAccess,
    @Inject(REALTIME_TRANSACTION_LOOKUP) private readonly transactions: TransactionLookup,
    @Optional() @Inject(REALTIME_WALLET_LOOKUP) private readonly wallets?: WalletLookup,
  ) {}

  attach(server: Server): void {
    this.server = server;
  }

  detach(): void {
    this.server = undefined;
  }

  // --- client events -------------------------------------------------------------------------

  /** Joins the rooms a freshly authenticated socket belongs in and greets it. */
  async welcome(socket: Socket): Promise<void> {
    const { principal } = socket.data as SocketData;
    const own =
      principal.role === 'terminal'
        ? [rooms.merchant(principal.merchantId!), rooms.terminalPrincipal(principal.id), rooms.merchantPrincipal(principal.merchantId!)]
        : [rooms.user(principal.id)];
    // Staff watch their merchant like its terminals, and leave with them when it is suspended.
    if (principal.role === 'merchant') own.push(rooms.merchant(principal.merchantId!), rooms.merchantPrincipal(principal.merchantId!));
    if (principal.role === 'admin') own.push(rooms.admins);
    await socket.join(own);
    // Sent through the adapter (to the socket's own room) rather than socket.emit, so it carries a
    // recovery offset: a client that drops before any other event can still recover its session.
    this.server?.to(socket.id).emit(SERVER_EVENTS.connected, {
      message: 'Connected to NFC Payment WebSocket',
      userId: principal.id,
      role: principal.role,
      ...(principal.merchantId && { merchantId: principal.merchantId }),
      recovered: socket.recovered,
      timestamp: new Date(),
    });
  }

  async subscribeCard(socket: Socket, raw: unknown): Promise<Ack> {
    const event = CLIENT_EVENTS.subscribeCard;
    const cardUuid = parseId(raw);
    if (!cardUuid) return refuse(event, INVALID_ID);
    if (subscriptionsOf(socket) >= REALTIME_LIMITS.maxSubscriptions) return refuse(event, 'Too many subscriptions');
    let visible: boolean;
    try {
      visible = await this.cards.isVisibleTo(cardUuid, principalOf(socket));
    } catch (error) {
      return this.unavailable(event, error);
    }
    if (!visible) return refuse(event, NOT_AVAILABLE);
    const room = rooms.card(cardUuid);
    if (!socket.connected) return refuse(event, 'Disconnected');
    await socket.join(room);
    return { success: true, room };
  }

  /**
   * Joins `transaction:<id>` if the caller may watch it. A payment already final is answered at
   * once with its final event; the status is read again after joining, so a payment finishing
   * between the check and the join is not missed (the client may then see the final event twice).
   */
  async subscribeTransaction(socket: Socket, raw: unknown): Promise<Ack> {
    const event = CLIENT_EVENTS.subscribeTransaction;
    const transactionId = parseId(raw);
    if (!transactionId) return refuse(event, INVALID_ID);
    if (subscriptionsOf(socket) >= REALTIME_LIMITS.maxSubscriptions) return refuse(event, 'Too many subscriptions');
    const principal = principalOf(socket);
    try {
      let payment = await this.transactions.visibleTransaction(transactionId, principal);
      if (!payment) return refuse(event, NOT_AVAILABLE);
      const room = rooms.transaction(transactionId);
      if (!socket.connected) return refuse(event, 'Disconnected');
      await socket.join(room);
      if (!isFinalStatus(payment.status)) payment = (await this.transactions.visibleTransaction(transactionId, principal)) ?? payment;
      const final = finalEventOf(fromTransaction(payment), new Date());
      if (final) socket.emit(final.event, final.payload);
      return { success: true, room, status: payment.status };
    } catch (error) {
      return this.unavailable(event, error);
    }
  }

  async unsubscribe(socket: Socket, kind: 'card' | 'transaction', raw: unknown): Promise<Ack> {
    const event = kind === 'card' ? CLIENT_EVENTS.unsubscribeCard : CLIENT_EVENTS.unsubscribeTransaction;
    const id = parseId(raw);
    if (!id) return refuse(event, INVALID_ID);
    const room = kind === 'card' ? rooms.card(id) : rooms.transaction(id);
    await socket.leave(room);
    return { success: true, room };
  }

  pong(socket: Socket): { timestamp: Date; userId: string } {
    const body = { timestamp: new Date(), userId: principalOf(socket).id };
    socket.emit(SERVER_EVENTS.pong, body);
    return body;
  }

  // --- broadcasts from domain events ---------------------------------------------------------

  paymentUpdated(event: PaymentEvent): void {
    this.emit(paymentRooms(event), SERVER_EVENTS.transactionUpdate, transactionUpdatePayload(fromPaymentEvent(event), new Date()));
  }

  /** completed → `transaction:completed`; failed/cancelled → `transaction:failed` (status tells which). */
  paymentFinished(event: PaymentEvent): void {
    const final = finalEventOf(fromPaymentEvent(event), new Date());
    if (final) this.emit(paymentRooms(event), final.event, final.payload);
  }

  /** `transaction:requires_pin` to the sockets of the terminal that took the tap, and to the payment's room. */
  paymentRequiresPin(event: PaymentEvent): void {
    this.emit([rooms.terminalPrincipal(event.terminalId), rooms.transaction(event.transactionId)], SERVER_EVENTS.transactionRequiresPin, transactionRequiresPinPayload(event, new Date()));
  }

  /** `balance:update` to the payer (`user:<id>`, not the wallet address the seed used). */
  async balanceChanged(event: PaymentEvent): Promise<void> {
    if (!event.userId || !this.server) return;
    let balance: Awaited<ReturnType<WalletLookup['getBalance']>> | undefined;
    try {
      if (event.payerWallet && event.payerBalanceMist) {
        // The settlement already knows the balance after it: no ledger query per payment.
        balance = { address: event.payerWallet, balanceMist: event.payerBalanceMist, balanceSui: formatSui(BigInt(event.payerBalanceMist)) };
      } else {
        const wallet = await this.wallets?.walletOf(event.userId);
        balance = wallet ? await this.wallets!.getBalance(wallet.address) : undefined;
      }
    } catch (error) {
      this.logger.warn(`Balance for balance:update unavailable: ${(error as Error).message}`);
    }
    this.emit([rooms.user(event.userId)], SERVER_EVENTS.balanceUpdate, balancePayload(event, balance, new Date()));
  }

  /** `refund:update` to the card's, the payment's and the merchant's rooms; the card is not named in it. */
  refundUpdated(event: RefundEvent): void {
    const refund = { id: event.refundId, transactionId: event.transactionId, amount: event.amount, currency: event.currency, amountMist: event.amountMist, status: event.status, txHash: event.txHash ?? null, failureReason: event.failureReason ?? null };
    this.emit([rooms.card(event.cardUuid), rooms.transaction(event.transactionId), rooms.merchant(event.merchantId)], SERVER_EVENTS.refundUpdate, { refund, timestamp: new Date() });
  }

  /** `payout:update` to the merchant's room. */
  payoutUpdated(event: PayoutEvent): void {
    const payout = { id: event.payoutId, amount: event.amount, currency: event.currency, amountMist: event.amountMist, status: event.status, destination: event.toAddress, txHash: event.txHash ?? null, failureReason: event.failureReason ?? null };
    this.emit([rooms.merchant(event.merchantId)], SERVER_EVENTS.payoutUpdate, { payout, timestamp: new Date() });
  }

  /** `payment_request:paid` to the merchant's room (the card is not named). */
  paymentRequestPaid(event: PaymentRequestPaidEvent): void {
    const paymentRequest = { id: event.paymentRequestId, amount: event.amount, terminalId: event.terminalId, transactionId: event.transactionId };
    this.emit([rooms.merchant(event.merchantId)], SERVER_EVENTS.paymentRequestPaid, { paymentRequest, timestamp: new Date() });
  }

  cardUpdated(event: CardUpdatedEvent): void {
    this.emit([rooms.card(event.cardUuid), rooms.user(event.ownerId)], SERVER_EVENTS.cardStatusUpdate, cardStatusPayload(event, new Date()));
  }

  /** `system:alert` to every client (announcements) or to admins only (operational alerts). */
  systemAlert(alert: { message: string; level?: AlertLevel; audience: AlertAudience }): { delivered: boolean; timestamp: Date } {
    const timestamp = new Date();
    if (!this.server) return { delivered: false, timestamp };
    const payload = { message: alert.message, level: alert.level ?? 'info', timestamp };
    if (alert.audience === 'all') this.server.emit(SERVER_EVENTS.systemAlert, payload);
    else this.server.to(rooms.admins).emit(SERVER_EVENTS.systemAlert, payload);
    return { delivered: true, timestamp };
  }

  /**
   * Ends every open socket of a terminal whose credentials were revoked, on every instance: each
   * gets `session:revoked` with the reason, then is disconnected. Both go through the adapter's
   * stream in this order, so every instance delivers the event before it drops the socket.
   */
  terminalRevoked(event: TerminalAccessRevokedEvent): void {
    this.revoke(rooms.terminalPrincipal(event.terminalId), event.reason);
  }

  /** The same for every terminal socket of a merchant that lost access. */
  merchantRevoked(event: MerchantAccessRevokedEvent): void {
    this.revoke(rooms.merchantPrincipal(event.merchantId), event.reason);
  }

  private revoke(room: string, reason: string): void {
    if (!this.server) return;
    this.server.to(room).emit(SERVER_EVENTS.accessRevoked, { message: 'Access revoked; sign in again', reason, timestamp: new Date() });
    this.server.in(room).disconnectSockets(true);
  }

  /** `system:shutdown` to this instance's clients only (the others stay up), then a moment to flush. */
  async notifyShutdown(): Promise<void> {
    if (!this.server) return;
    this.server.local.emit(SERVER_EVENTS.systemShutdown, { message: 'Server is shutting down', reconnect: true, timestamp: new Date() });
    await new Promise((resolve) => setTimeout(resolve, REALTIME_LIMITS.shutdownFlushMs));
  }

  // --- status --------------------------------------------------------------------------------

  /** Connections across every instance (through the adapter), for `GET /api/payment/ws-status`. */
  async status(): Promise<WsStatus> {
    const timestamp = new Date();
    const empty = { totalConnections: 0, uniqueUsers: 0, connectedUsers: [], connectionsByRole: { user: 0, terminal: 0, admin: 0, merchant: 0 }, merchantsOnline: 0 };
    if (!this.server) return { status: 'inactive', ...empty, localConnections: 0, instances: null, timestamp };
    const localConnections = this.server.of('/').sockets.size;
    const adapter = this.server.of('/').adapter as { serverCount?: () => Promise<number> };
    // While Redis is away the adapter's commands wait for it; the status answers anyway.
    const instances = adapter.serverCount ? await within(STATUS_TIMEOUT_MS, adapter.serverCount()).catch(() => null) : 1;
    try {
      const sockets = await within(STATUS_TIMEOUT_MS, this.server.timeout(STATUS_TIMEOUT_MS).fetchSockets());
      return { status: 'active', ...summarize(sockets), localConnections, instances, timestamp };
    } catch (error) {
      // Another instance did not answer in time: count this one's sockets only.
      const local = [...this.server.of('/').sockets.values()];
      return { status: 'degraded', ...summarize(local), localConnections, instances, timestamp, error: (error as Error).message };
    }
  }

  private emit(targets: string[], event: string, payload: object): void {
    if (!this.server) return;
    this.server.to(targets).emit(event, payload);
  }

  private unavailable(event: string, error: unknown): Ack {
    this.logger.warn(`${event} could not be checked: ${(error as Error).message}`);
    return refuse(event, 'Temporarily unavailable, try again');
  }
}

/** How long ws-status waits for the other instances. */
const STATUS_TIMEOUT_MS = 2_000;

function within<T>(ms: number, promise: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

function principalOf(socket: Socket): Principal {
  return (socket.data as SocketData).principal;
}

function subscriptionsOf(socket: Socket): number {
  let count = 0;
  for (const room of socket.rooms) if (room.startsWith('card:') || room.startsWith('transaction:')) count++;
  return count;
}

/** Admins get every payment too: the dashboard's live feed. */
function paymentRooms(event: PaymentEvent): string[] {
  return [rooms.transaction(event.transactionId), rooms.merchant(event.merchantId), ...(event.userId ? [rooms.user(event.userId)] : []), rooms.admins];
}

function summarize(sockets: Array<Socket | RemoteSocket<never, SocketData>>) {
  const users = new Set<string>();
  const merchants = new Set<string>();
  const connectionsByRole = { user: 0, terminal: 0, admin: 0, merchant: 0 };
  for (const socket of sockets) {
    const principal = (socket.data as SocketData | undefined)?.principal;
    if (!principal) continue;
    connectionsByRole[principal.role]++;
    if (principal.role === 'terminal') merchants.add(principal.merchantId!);
    else users.add(principal.id);
  }
  return { totalConnections: sockets.length, uniqueUsers: users.size, connectedUsers: [...users], connectionsByRole, merchantsOnline: merchants.size };
}
