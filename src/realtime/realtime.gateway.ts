import { BeforeApplicationShutdown, Inject, Logger, OnApplicationShutdown } from '@nestjs/common';
import {
  ConnectedSocket,
  MessageBody,
  OnGatewayConnection,
  OnGatewayDisconnect,
  OnGatewayInit,
  SubscribeMessage,
  WebSocketGateway,
} from '@nestjs/websockets';
import Redis from 'ioredis';
import type { Server, Socket } from 'socket.io';
import { TokenService } from '../auth/token.service';
import { appConfig, type AppConfig, redisConfig, type RedisConfig } from '../config/app.config';
import { closeRedis } from '../redis/redis.module';
import { PrincipalBoundRecovery } from './session-recovery';
import { CONNECTION_STATE_RECOVERY, createStreamsAdapter, SESSION_KEY_PREFIX, streamsAdapterClient } from './streams-adapter';
import { CLIENT_EVENTS, REALTIME_LIMITS, SERVER_EVENTS, SOCKET_PATH } from './realtime.constants';
import { type Ack, RealtimeService, refuse, type SocketData } from './realtime.service';
import { refusalOf, TokenBucket, tokenFromHandshake } from './socket-input';

/**
 * The CORS origin of the socket server. Gateway options are fixed when the class is declared, so
 * the origin is a function reading FRONTEND_URL, which the gateway sets from config on creation.
 */
let allowedOrigin = 'http://localhost:3000';
const corsOrigin = (origin: string | undefined, callback: (error: Error | null, allow?: boolean) => void) =>
  callback(null, origin === undefined || origin === allowedOrigin);

/** Disconnections socket.io keeps no session for; the one kept while connected goes too. */
const DELIBERATE_DISCONNECTS = new Set<string>(['client namespace disconnect', 'server namespace disconnect']);

/** Sessions kept in Redis while connected are refreshed this often, well inside their lifetime. */
export const SESSION_REFRESH_MS = REALTIME_LIMITS.maxDisconnectionDurationMs / 2;

/** setTimeout's largest delay; a token living longer than ~24 days is not timed. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * Socket.IO at `/nfc-ws`. Thin: the handshake middleware authenticates, and every client event is
 * parsed, rate limited and handed to RealtimeService, whose answer is the acknowledgement.
 */
@WebSocketGateway({
  path: SOCKET_PATH,
  transports: ['websocket', 'polling'],
  cors: { origin: corsOrigin, methods: ['GET', 'POST'], credentials: true },
  serveClient: false,
  maxHttpBufferSize: REALTIME_LIMITS.maxHttpBufferSize,
  // Middlewares run again on recovery, so a reconnecting client proves its token again; the session
  // itself is restored only after that, for its own principal (PrincipalBoundRecovery).
  connectionStateRecovery: CONNECTION_STATE_RECOVERY,
})
export class RealtimeGateway implements OnGatewayInit, OnGatewayConnection, OnGatewayDisconnect, BeforeApplicationShutdown, OnApplicationShutdown {
  private readonly logger = new Logger(RealtimeGateway.name);
  private readonly expiryTimers = new WeakMap<Socket, NodeJS.Timeout>();
  private readonly buckets = new WeakMap<Socket, TokenBucket>();
  private readonly missedPackets = new WeakMap<Socket, unknown[][]>();
  private server?: Server;
  private adapterRedis?: Redis;
  private sessions?: PrincipalBoundRecovery;
  private closing = false;

  constructor(
    private readonly realtime: RealtimeService,
    private readonly tokens: TokenService,
    @Inject(appConfig.KEY) app: AppConfig,
    @Inject(redisConfig.KEY) private readonly redis: RedisConfig,
  ) {
    allowedOrigin = app.frontendUrl;
  }

  afterInit(server: Server): void {
    this.server = server;
    // Authentication first: whatever fails below, no socket gets in unauthenticated.
    server.use((socket, next) => {
      this.authenticate(socket).then(
        (refusal) => next(refusal),
        (error: Error) => {
          this.logger.warn(`Handshake check failed: ${error.message}`);
          next(Object.assign(new Error('Authentication unavailable, try again'), { data: { code: 'AUTH_UNAVAILABLE' } }));
        },
      );
    });
    this.adapterRedis = streamsAdapterClient(this.redis, () => this.closing, this.logger);
    this.sessions = new PrincipalBoundRecovery(this.adapterRedis, SESSION_KEY_PREFIX);
    const adapter = createStreamsAdapter(this.adapterRedis, this.redis);
    server.adapter(this.sessions.wrap(adapter as unknown as Parameters<PrincipalBoundRecovery['wrap']>[0]) as unknown as Parameters<Server['adapter']>[0]);
    this.realtime.attach(server);
  }

  async handleConnection(socket: Socket): Promise<void> {
    if (!(socket.data as Partial<SocketData> | undefined)?.principal) {
      socket.disconnect(true); // never reached while the handshake middleware is in place
      return;
    }
    this.deliverMissed(socket);
    socket.on('disconnect', (reason) => {
      if (DELIBERATE_DISCONNECTS.has(reason)) this.sessions?.forget(socket);
    });
    const bucket = new TokenBucket(REALTIME_LIMITS.rateBurst, REALTIME_LIMITS.ratePerSecond);
    this.buckets.set(socket, bucket);
    socket.use(([event, ...args], next) => {
      if (bucket.take()) return next();
      const ack = args.at(-1);
      if (typeof ack === 'function') ack(refuse(String(event), 'Rate limit exceeded, slow down'));
    });
    this.scheduleExpiry(socket);
    try {
      await this.realtime.welcome(socket);
      this.sessions?.keep(socket);
    } catch (error) {
      this.logger.warn(`Could not set up socket ${socket.id}: ${(error as Error).message}`);
      socket.disconnect(true);
    }
  }

  handleDisconnect(socket: Socket): void {
    clearTimeout(this.expiryTimers.get(socket));
    this.expiryTimers.delete(socket);
  }

  @SubscribeMessage(CLIENT_EVENTS.subscribeCard)
  subscribeCard(@ConnectedSocket() socket: Socket, @MessageBody() cardUuid: unknown): Promise<Ack> {
    return this.keptAfter(socket, this.realtime.subscribeCard(socket, cardUuid));
  }

  @SubscribeMessage(CLIENT_EVENTS.subscribeTransaction)
  subscribeTransaction(@ConnectedSocket() socket: Socket, @MessageBody() transactionId: unknown): Promise<Ack> {
    return this.keptAfter(socket, this.realtime.subscribeTransaction(socket, transactionId));
  }

  @SubscribeMessage(CLIENT_EVENTS.unsubscribeCard)
  unsubscribeCard(@ConnectedSocket() socket: Socket, @MessageBody() cardUuid: unknown): Promise<Ack> {
    return this.keptAfter(socket, this.realtime.unsubscribe(socket, 'card', cardUuid));
  }

  @SubscribeMessage(CLIENT_EVENTS.unsubscribeTransaction)
  unsubscribeTransaction(@ConnectedSocket() socket: Socket, @MessageBody() transactionId: unknown): Promise<Ack> {
    return this.keptAfter(socket, this.realtime.unsubscribe(socket, 'transaction', transactionId));
  }

  @SubscribeMessage(CLIENT_EVENTS.ping)
  ping(@ConnectedSocket() socket: Socket): Ack {
    return { success: true, ...this.realtime.pong(socket) };
  }

  /** The session now has other rooms: keep it as it is. */
  private async keptAfter(socket: Socket, answer: Promise<Ack>): Promise<Ack> {
    const ack = await answer;
    if (ack.success) this.sessions?.keep(socket);
    return ack;
  }

  /** Run every SESSION_REFRESH_MS (src/roles/periodic-work.ts). */
  keepSessions(): void {
    for (const socket of this.server?.of('/').sockets.values() ?? []) this.sessions?.keep(socket);
  }

  /** A recovered session's missed packets, as they were broadcast (offset last), to this socket only. */
  private deliverMissed(socket: Socket): void {
    const missed = this.missedPackets.get(socket);
    this.missedPackets.delete(socket);
    if (!missed || !this.server) return;
    const self = this.server.local.to(socket.id);
    for (const [event, ...args] of missed as [string, ...unknown[]][]) self.emit(event, ...args);
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.realtime.notifyShutdown();
  }

  /** Runs after Nest closed the socket server (and with it the adapter's subscriptions). */
  async onApplicationShutdown(): Promise<void> {
    this.realtime.detach();
    this.closing = true;
    if (this.adapterRedis) await closeRedis(this.adapterRedis);
  }

  /** Undefined to accept; an Error whose message the client gets as `connect_error`. Never logs the token. */
  private async authenticate(socket: Socket): Promise<Error | undefined> {
    const token = tokenFromHandshake(socket.handshake);
    const principal = token ? await this.tokens.verify(token, 'socket') : undefined;
    if (!token || !principal) {
      const message = refusalOf(token, token ? safeExpiresIn(this.tokens, token) : undefined);
      this.logger.debug(`Handshake refused from ${socket.handshake.address}: ${message}`);
      return Object.assign(new Error(message), { data: { code: 'UNAUTHORIZED' } });
    }
    const expiresIn = safeExpiresIn(this.tokens, token);
    const data: SocketData = { principal, ...(expiresIn !== undefined && { expiresAt: Date.now() + expiresIn * 1000 }) };
    socket.data = data;
    const missed = await this.sessions?.restoreFor(socket, principal);
    if (missed?.length) this.missedPackets.set(socket, missed);
    return undefined;
  }

  /** A socket whose token expires is told so and disconnected; it must reconnect with a fresh token. */
  private scheduleExpiry(socket: Socket): void {
    const { expiresAt } = socket.data as SocketData;
    if (expiresAt === undefined) return;
    const delay = expiresAt - Date.now();
    if (delay > MAX_TIMER_MS) return;
    const timer = setTimeout(() => {
      // Local, so it is written before the disconnect: socket.emit would first wait for the
      // adapter's stream, and the socket would be gone by then.
      this.server?.local.to(socket.id).emit(SERVER_EVENTS.sessionExpired, { message: 'Access token expired; reconnect with a fresh token', timestamp: new Date() });
      socket.disconnect(true);
    }, Math.max(0, delay));
    timer.unref();
    this.expiryTimers.set(socket, timer);
  }
}

function safeExpiresIn(tokens: TokenService, token: string): number | undefined {
  try {
    return tokens.expiresInSeconds(token);
  } catch {
    return undefined;
  }
}
