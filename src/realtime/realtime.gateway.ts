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
import type { Principal } from '../common/auth/principal';
import { appConfig, type AppConfig, redisConfig, type RedisConfig } from '../config/app.config';
import { REDIS_CLIENT } from '../redis/redis.constants';
import { SocketRedisAdapter } from './socket-redis-adapter';
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
  // Middlewares run again on recovery, so a reconnecting client proves its token again.
  connectionStateRecovery: { maxDisconnectionDuration: REALTIME_LIMITS.maxDisconnectionDurationMs, skipMiddlewares: false },
})
export class RealtimeGateway implements OnGatewayInit, OnGatewayConnection, OnGatewayDisconnect, BeforeApplicationShutdown, OnApplicationShutdown {
  private readonly logger = new Logger(RealtimeGateway.name);
  private readonly expiryTimers = new WeakMap<Socket, NodeJS.Timeout>();
  private readonly buckets = new WeakMap<Socket, TokenBucket>();
  private readonly adapter: SocketRedisAdapter;

  constructor(
    private readonly realtime: RealtimeService,
    private readonly tokens: TokenService,
    @Inject(appConfig.KEY) app: AppConfig,
    @Inject(redisConfig.KEY) redis: RedisConfig,
    @Inject(REDIS_CLIENT) sharedRedis: Redis,
  ) {
    allowedOrigin = app.frontendUrl;
    this.adapter = new SocketRedisAdapter(redis, sharedRedis);
  }

  afterInit(server: Server): void {
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
    this.adapter.attach(server);
    this.realtime.attach(server);
  }

  async handleConnection(socket: Socket): Promise<void> {
    if (!(socket.data as Partial<SocketData> | undefined)?.principal) {
      socket.disconnect(true); // never reached while the handshake middleware is in place
      return;
    }
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
    return this.realtime.subscribeCard(socket, cardUuid);
  }

  @SubscribeMessage(CLIENT_EVENTS.subscribeTransaction)
  subscribeTransaction(@ConnectedSocket() socket: Socket, @MessageBody() transactionId: unknown): Promise<Ack> {
    return this.realtime.subscribeTransaction(socket, transactionId);
  }

  @SubscribeMessage(CLIENT_EVENTS.unsubscribeCard)
  unsubscribeCard(@ConnectedSocket() socket: Socket, @MessageBody() cardUuid: unknown): Promise<Ack> {
    return this.realtime.unsubscribe(socket, 'card', cardUuid);
  }

  @SubscribeMessage(CLIENT_EVENTS.unsubscribeTransaction)
  unsubscribeTransaction(@ConnectedSocket() socket: Socket, @MessageBody() transactionId: unknown): Promise<Ack> {
    return this.realtime.unsubscribe(socket, 'transaction', transactionId);
  }

  @SubscribeMessage(CLIENT_EVENTS.ping)
  ping(@ConnectedSocket() socket: Socket): Ack {
    return { success: true, ...this.realtime.pong(socket) };
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.realtime.notifyShutdown();
  }

  /** Runs after Nest closed the socket server (and with it the adapter's subscriptions). */
  async onApplicationShutdown(): Promise<void> {
    this.realtime.detach();
    await this.adapter.close();
  }

  /** Undefined to accept; an Error whose message the client gets as `connect_error`. Never logs the token. */
  private async authenticate(socket: Socket): Promise<Error | undefined> {
    const token = tokenFromHandshake(socket.handshake);
    const principal = token ? await this.tokens.verify(token) : undefined;
    if (!token || !principal) {
      const message = refusalOf(token, token ? safeExpiresIn(this.tokens, token) : undefined);
      this.logger.debug(`Handshake refused from ${socket.handshake.address}: ${message}`);
      return Object.assign(new Error(message), { data: { code: 'UNAUTHORIZED' } });
    }
    const previous = (socket.data as Partial<SocketData> | undefined)?.principal;
    if (socket.recovered && previous && !samePrincipal(previous, principal)) {
      // A recovered session of someone else: keep nothing it had joined.
      for (const room of [...socket.rooms]) if (room !== socket.id) socket.leave(room);
    }
    const expiresIn = safeExpiresIn(this.tokens, token);
    const data: SocketData = { principal, ...(expiresIn !== undefined && { expiresAt: Date.now() + expiresIn * 1000 }) };
    socket.data = data;
    return undefined;
  }

  /** A socket whose token expires is told so and disconnected; it must reconnect with a fresh token. */
  private scheduleExpiry(socket: Socket): void {
    const { expiresAt } = socket.data as SocketData;
    if (expiresAt === undefined) return;
    const delay = expiresAt - Date.now();
    if (delay > MAX_TIMER_MS) return;
    const timer = setTimeout(() => {
      socket.emit(SERVER_EVENTS.sessionExpired, { message: 'Access token expired; reconnect with a fresh token', timestamp: new Date() });
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

function samePrincipal(a: Principal, b: Principal): boolean {
  return a.id === b.id && a.role === b.role && a.merchantId === b.merchantId;
}
