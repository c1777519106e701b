import { BullModule } from '@nestjs/bull';
import { DynamicModule, Module } from '@nestjs/common';
import { EventEmitterModule } from '@nestjs/event-emitter';
import { MongooseModule } from '@nestjs/mongoose';
import { ScheduleModule } from '@nestjs/schedule';
import { LoggerModule } from 'nestjs-pino';
import { MongoIndexes } from '../common/database/mongo-indexes';
import { loggerOptions } from '../common/logging/logger.options';
import { type NfcPayConfig } from '../config/app.config';
import { ConfigurationModule } from '../config/configuration.module';
import { HealthModule } from '../health/health.module';
import { MetricsModule } from '../metrics/metrics.module';
import { RedisModule, redisClientOptions } from '../redis/redis.module';

/** What every process needs whatever its role: configuration, logs, MongoDB, Redis, queues, events, schedules, health and metrics. */
@Module({})
export class CoreModule {
  static forRoot(config: NfcPayConfig): DynamicModule {
    const { keyPrefix, maxRetriesPerRequest: _perRequest, ...connection } = redisClientOptions(config.redis);
    return {
      module: CoreModule,
      imports: [
        ConfigurationModule.forRoot(config),
        LoggerModule.forRoot(loggerOptions(config.app)),
        MongooseModule.forRoot(config.database.uri, {
          dbName: config.database.dbName,
          // Fail fast while MongoDB is away (answered 503) instead of queueing requests behind it.
          serverSelectionTimeoutMS: 2_000,
          bufferCommands: false,
          retryAttempts: 10,
          retryDelay: 1_000,
          monitorCommands: config.database.monitorCommands,
          maxPoolSize: config.database.maxPoolSize,
        }),
        // Bull's blocking connections need unlimited retries per request; it sets that itself.
        BullModule.forRoot({
          url: config.redis.url,
          redis: connection,
          prefix: `${keyPrefix}bull`,
          settings: { lockDuration: config.redis.queueLockDurationMs, stalledInterval: config.redis.queueStalledIntervalMs },
        }),
        EventEmitterModule.forRoot(),
        ScheduleModule.forRoot(),
        RedisModule,
        HealthModule,
        MetricsModule,
      ],
      providers: [MongoIndexes],
    };
  }
}
