import { DynamicModule, Module, OnApplicationShutdown } from '@nestjs/common';
import { BullModule } from '@nestjs/bull';
import { ConfigModule } from '@nestjs/config';
import { MongooseModule } from '@nestjs/mongoose';
import { LoggerModule } from 'nestjs-pino';
import { loggerOptions } from './common/logging/logger.options';
import { appConfig, AppConfig, authConfig, databaseConfig, DatabaseConfig, redisConfig, RedisConfig } from './config/app.config';
import type { EmbeddedServer } from './embedded/embedded-servers';
import { HealthModule } from './health/health.module';
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
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot({ isGlobal: true, ignoreEnvFile: true, load: [appConfig, databaseConfig, redisConfig, authConfig] }),
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
            return { url: redis.url, redis: connection, prefix: `${keyPrefix}bull` };
          },
        }),
        RedisModule,
        HealthModule,
      ],
      providers: [{ provide: EmbeddedServersShutdown, useValue: new EmbeddedServersShutdown(options.embeddedServers ?? []) }],
    };
  }
}

export type { AppConfig };
