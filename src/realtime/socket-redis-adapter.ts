import { Logger } from '@nestjs/common';
import Redis from 'ioredis';
import type { Server } from 'socket.io';
import type { RedisConfig } from '../config/app.config';
import { closeRedis, redisClientOptions } from '../redis/redis.module';
import { createRecoverableRedisAdapter } from './recoverable-redis-adapter';
import { REALTIME_LIMITS } from './realtime.constants';

/**
 * The Redis adapter of a Socket.IO server, so a broadcast on one instance (an API, or a worker
 * that settled the payment) reaches the sockets of every API instance, with its own connections.
 */
export class SocketRedisAdapter {
  private readonly logger = new Logger('SocketRedisAdapter');
  private pubClient?: Redis;
  private subClient?: Redis;

  constructor(
    private readonly redis: RedisConfig,
    private readonly sharedRedis: Redis,
  ) {}

  attach(server: Server): void {
    // Own pub/sub connections (a subscribed connection can do nothing else); channels are not
    // keys, so the deployment's key prefix goes into the adapter's channel name instead.
    const { keyPrefix, ...options } = redisClientOptions(this.redis);
    this.pubClient = new Redis(this.redis.url, { ...options, connectionName: `${options.connectionName}:sio-pub` });
    this.subClient = new Redis(this.redis.url, { ...options, connectionName: `${options.connectionName}:sio-sub` });
    for (const client of [this.pubClient, this.subClient]) client.on('error', (error) => this.logger.warn(`Socket.IO Redis connection problem: ${error.message}`));
    this.dropFailures(this.pubClient, 'publish');
    this.dropFailures(this.subClient, 'punsubscribe', 'unsubscribe');
    server.adapter(
      createRecoverableRedisAdapter(
        this.pubClient,
        this.subClient,
        { key: `${keyPrefix}socket.io`, requestsTimeout: 2_000 },
        { redis: this.sharedRedis, maxDisconnectionDurationMs: REALTIME_LIMITS.maxDisconnectionDurationMs },
      ) as unknown as Parameters<Server['adapter']>[0],
    );
  }

  async close(): Promise<void> {
    await Promise.all([this.pubClient, this.subClient].map((client) => client && closeRedis(client)));
  }

  /**
   * The adapter publishes, and unsubscribes when closing, without handling a rejection, so with
   * Redis away each would be an unhandled rejection that kills the process. Events are best effort
   * while Redis is down (reconnecting clients recover what they missed); the payment itself is
   * never affected, and a closing adapter's subscriptions end with its connection anyway.
   */
  private dropFailures(client: Redis, ...commands: ('publish' | 'punsubscribe' | 'unsubscribe')[]): void {
    for (const command of commands) {
      const original = (client[command] as (...args: unknown[]) => Promise<unknown>).bind(client);
      (client as unknown as Record<string, (...args: unknown[]) => Promise<unknown>>)[command] = (...args: unknown[]) =>
        original(...args).catch((error: Error) => {
          this.logger.warn(`Socket.IO Redis ${command} failed: ${error.message}`);
          return 0;
        });
    }
  }
}
