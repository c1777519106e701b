import { Inject, Injectable, Logger, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import type Redis from 'ioredis';
import { Server } from 'socket.io';
import { redisConfig, type RedisConfig } from '../config/app.config';
import { closeRedis } from '../redis/redis.module';
import { RealtimeService } from './realtime.service';
import { CONNECTION_STATE_RECOVERY, createStreamsAdapter, streamsAdapterClient } from './streams-adapter';

/**
 * A worker-only process has no Socket.IO gateway (it serves no clients), yet the payments it
 * settles must reach the cardholder and the merchant: a server bound to no port, on the same
 * streams adapter, through which RealtimeService's broadcasts reach every API instance's sockets.
 */
@Injectable()
export class WorkerBroadcaster implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger(WorkerBroadcaster.name);
  private readonly server = new Server({ serveClient: false, connectionStateRecovery: CONNECTION_STATE_RECOVERY });
  private client?: Redis;
  private closing = false;

  constructor(
    private readonly realtime: RealtimeService,
    @Inject(redisConfig.KEY) private readonly redis: RedisConfig,
  ) {}

  onModuleInit(): void {
    this.client = streamsAdapterClient(this.redis, () => this.closing, this.logger);
    this.server.adapter(createStreamsAdapter(this.client, this.redis) as unknown as Parameters<Server['adapter']>[0]);
    this.realtime.attach(this.server);
  }

  async onApplicationShutdown(): Promise<void> {
    this.realtime.detach();
    this.closing = true;
    // Bound to no HTTP server, so there is no engine to close (Server.close() would throw): the adapter is all.
    await this.server.of('/').adapter.close();
    if (this.client) await closeRedis(this.client);
  }
}
