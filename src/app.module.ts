import { DynamicModule, Module, OnApplicationShutdown } from '@nestjs/common';
import { BullModule } from '@nestjs/bull';
import { ConfigModule } from '@nestjs/config';
import { EventEmitterModule } from '@nestjs/event-emitter';
import { MongooseModule } from '@nestjs/mongoose';
import { LoggerModule } from 'nestjs-pino';
import { loggerOptions } from './common/logging/logger.options';
import { appConfig, type AppConfig, authConfig, databaseConfig, type DatabaseConfig, paymentsConfig, redisConfig, type RedisConfig } from './config/app.config';
import type { EmbeddedServer } from './embedded/embedded-servers';
import { AuthModule } from './auth/auth.module';
import { CardsModule } from './cards/cards.module';
import { MongoIndexes } from './common/database/mongo-indexes';
import { HealthModule } from './health/health.module';
import { MerchantsModule } from './merchants/merchants.module';
import { PaymentsModule } from './payments/payments.module';
import { validateEnvironment } from './config/env.validation';
import { RedisModule, redisClientOptions } from './redis/redis.module';

export interface AppModuleOptions {
  /** Servers this process started itself; stopped after everything else has shut down. */
  embeddedServers?: EmbeddedServer[];
}

class EmbeddedServersShutdown implements OnApplicationShutdown {
  constructor(private readonly servers: EmbeddedServer[]) {}

  async onApplicationShutdown(): Promise<void> {
    await Promise.all(this.servers.map((server) => server.stop()));
  }
}

@Module({})
export class AppModule {
  static forRoot(options: AppModuleOptions = {}): DynamicModule {
    const env = validateEnvironment(process.env);
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
            serverSelectionTimeoutMS: 5_000,
            retryAttempts: 10,
            retryDelay: 1_000,
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
        PaymentsModule.register({ workers: env.WORKERS_ENABLED }),
      ],
      providers: [
        MongoIndexes,
        { provide: EmbeddedServersShutdown, useValue: new EmbeddedServersShutdown(options.embeddedServers ?? []) },
      ],
    };
  }
}

export type { AppConfig };
