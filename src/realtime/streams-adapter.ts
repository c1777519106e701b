import type { Logger } from '@nestjs/common';
import { createAdapter } from '@socket.io/redis-streams-adapter';
import Redis from 'ioredis';
import type { RedisConfig } from '../config/app.config';
import { redisClientOptions } from '../redis/redis.module';
import { REALTIME_LIMITS } from './realtime.constants';

/** Where the adapter keeps sessions for recovery (after the deployment's key prefix). */
export const SESSION_KEY_PREFIX = 'sio:session:';

/** Socket.IO server options every instance shares, the API's gateway and a worker's broadcaster alike. */
export const CONNECTION_STATE_RECOVERY = { maxDisconnectionDuration: REALTIME_LIMITS.maxDisconnectionDurationMs, skipMiddlewares: false };

/** The Redis connection the streams adapter reads and writes through (it duplicates it for its reader and subscriber). */
export function streamsAdapterClient(redis: RedisConfig, closing: () => boolean, logger: Logger): Redis {
  const { keyPrefix, retryStrategy, ...options } = redisClientOptions(redis);
  const client = new Redis(redis.url, {
    ...options,
    // The stream and session keys get the deployment's prefix from ioredis; channels are not keys
    // (see channelPrefix below).
    keyPrefix,
    connectionName: `${options.connectionName}:sio`,
    // The adapter leaves some of its commands' rejections unhandled (publishes, session writes),
    // and one of those would end the process. So while Redis is away its commands wait instead
    // of failing: broadcasts go out late, once Redis is back, rather than never.
    maxRetriesPerRequest: null,
    // Shared with the reader and subscriber the adapter duplicates from this client: once the
    // app closes they stop reconnecting, so they end even if Redis is away.
    retryStrategy: (attempt: number) => (closing() ? null : retryStrategy(attempt)),
  });
  client.on('error', (error) => logger.warn(`Socket.IO Redis connection problem: ${error.message}`));
  return client;
}

/** Cross-instance broadcast and connection-state recovery through one Redis stream (@socket.io/redis-streams-adapter). */
export function createStreamsAdapter(client: Redis, redis: RedisConfig) {
  return createAdapter(client, {
    streamName: 'socket.io',
    channelPrefix: `${redis.keyPrefix}socket.io`,
    maxLen: REALTIME_LIMITS.streamMaxLen,
    sessionKeyPrefix: SESSION_KEY_PREFIX,
  });
}
