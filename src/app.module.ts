import { DynamicModule, Module } from '@nestjs/common';
import { BullModule } from '@nestjs/bull';
import { ConfigModule } from '@nestjs/config';
import { EventEmitterModule } from '@nestjs/event-emitter';
import { MongooseModule } from '@nestjs/mongoose';
import { LoggerModule } from 'nestjs-pino';
import { loggerOptions } from './common/logging/logger.options';
import { appConfig, type AppConfig, authConfig, databaseConfig, type DatabaseConfig, paymentsConfig, redisConfig, type RedisConfig } from './config/app.config';
import { AuthModule } from './auth/auth.module';
import { CardsModule } from './cards/cards.module';
import { MongoIndexes } from './common/database/mongo-indexes';
import { HealthModule } from './health/health.module';
import { MerchantsModule } from './merchants/merchants.module';
import { PaymentsModule } from './payments/payments.module';
import { RealtimeModule } from './realtime/realtime.module';
import { validateEnvironment } from './config/env.validation';
import { RedisModule, redisClientOptions } from './redis/redis.module';
import { ThrottlingModule } from './common/throttling/throttling.module';
import { NotificationsModule } from './notifications/notifications.module';
import { MetricsModule } from './metrics/metrics.module';
import { QueueBoardModule } from './metrics/queue-board.module';

@Module({})
export class AppModule {
  static forRoot(): DynamicModule {
    const env = validateEnvironment(process.env);
    // One instance: realtime binds its read-only lookups to this same PaymentsModule.
    const payments = PaymentsModule.register({ workers: env.WORKERS_ENABLED });
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot({ isGlobal: true, ignoreEnvFile: true, load: [appConfig, databaseConfig, redisConfig, authConfig, paymentsConfig] }),
        LoggerModule.forRootAsync({ inject: [appConfig.KEY], useFactory: loggerOptions }),
        MongooseModule.forRootAsync({
          inject: [databaseConfig.KEY],
          useFactory: (db: DatabaseConfig) => ({
            uri: db.uri,
            dbName: db.dbName,
            // Fail fast while MongoDB is away (answered 503) instead of queueing requests behind it.
            serverSelectionTimeoutMS: 2_000,
            bufferCommands: false,
            retryAttempts: 10,
            retryDelay: 1_000,
            monitorCommands: process.env.MONGODB_MONITOR_COMMANDS === 'true',
          }),
        }),
        BullModule.forRootAsync({
          inject: [redisConfig.KEY],
          useFactory: (redis: RedisConfig) => {
            const { keyPrefix, maxRetriesPerRequest: _perRequest, ...connection } = redisClientOptions(redis);
            // Bull's blocking connections need unlimited retries per request; it sets that itself.
            return {
              url: redis.url,
              redis: connection,
              prefix: `${keyPrefix}bull`,
              settings: { lockDuration: redis.queueLockDurationMs, stalledInterval: redis.queueStalledIntervalMs },
            };
          },
        }),
        EventEmitterModule.forRoot(),
        RedisModule,
        HealthModule,
        AuthModule,
        CardsModule,
        MerchantsModule,
        payments,
        RealtimeModule.forApp(payments),
        ThrottlingModule,
        NotificationsModule.register({ workers: env.WORKERS_ENABLED }),
        MetricsModule,
        QueueBoardModule,
      ],
      providers: [
        MongoIndexes,
      ],
    };
  }
}

export type { AppConfig };
