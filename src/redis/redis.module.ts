import { Global, Inject, Logger, Module, OnApplicationShutdown } from '@nestjs/common';
import Redis from 'ioredis';
import { redisConfig, RedisConfig } from '../config/app.config';
import { REDIS_CLIENT } from './redis.constants';
import { RevisionedCache } from './revisioned-cache';

const logger = new Logger('Redis');

/** ioredis options shared by every connection the app opens (cache, queues, socket adapter). */
export function redisClientOptions(config: RedisConfig) {
  return {
    // A command fails after one reconnect attempt instead of hanging while Redis is away, so
    // callers can answer 503 quickly; reconnection itself goes on in the background.
    maxRetriesPerRequest: 1,
    retryStrategy: (attempt: number) => Math.min(attempt * 200, 2_000),
    connectionName: `nfcpay:${process.pid}`,
    keyPrefix: config.keyPrefix,
  };
}

/** The app's shared Redis connection for caches, counters and locks. Inject with `@Inject(REDIS_CLIENT)`. */
@Global()
@Module({
  providers: [
    {
      provide: REDIS_CLIENT,
      inject: [redisConfig.KEY],
      useFactory: (config: RedisConfig) => {
        // Commands issued in the same tick go out in one write: under concurrent taps most of an
        // accept's Redis cost is the write syscall per command (cache, throttle, counters), not Redis.
        const client = new Redis(config.url, { ...redisClientOptions(config), enableAutoPipelining: true });
        client.on('error', (error) => logger.warn(`Redis connection problem: ${error.message}`));
        return client;
      },
    },
    RevisionedCache,
  ],
  exports: [REDIS_CLIENT, RevisionedCache],
})
export class RedisModule implements OnApplicationShutdown {
  constructor(@Inject(REDIS_CLIENT) private readonly client: Redis) {}

  async onApplicationShutdown(): Promise<void> {
    await closeRedis(this.client);
  }
}

/**
 * QUIT when connected; otherwise just drop the connection: a QUIT queued while Redis is away is
 * rejected later by ioredis, outside any handler, and would crash the process.
 */
export async function closeRedis(client: Redis): Promise<void> {
  if (client.status === 'ready') await client.quit().catch(() => client.disconnect());
  else client.disconnect();
}
