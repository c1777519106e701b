import { Inject, Injectable, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import Redis from 'ioredis';
import { Server } from 'socket.io';
import { redisConfig, type RedisConfig } from '../config/app.config';
import { REDIS_CLIENT } from '../redis/redis.constants';
import { RealtimeService } from './realtime.service';
import { SocketRedisAdapter } from './socket-redis-adapter';

/**
 * A worker-only process has no Socket.IO gateway (it serves no clients), yet the payments it
 * settles must reach the cardholder and the merchant: a server bound to no port, with the Redis
 * adapter, through which RealtimeService's broadcasts go to every API instance's sockets.
 */
@Injectable()
export class WorkerBroadcaster implements OnModuleInit, OnApplicationShutdown {
  private readonly server = new Server({ serveClient: false });
  private readonly adapter: SocketRedisAdapter;

  constructor(
    private readonly realtime: RealtimeService,
    @Inject(redisConfig.KEY) redis: RedisConfig,
    @Inject(REDIS_CLIENT) sharedRedis: Redis,
  ) {
    this.adapter = new SocketRedisAdapter(redis, sharedRedis);
  }

  onModuleInit(): void {
    this.adapter.attach(this.server);
    this.realtime.attach(this.server);
  }

  async onApplicationShutdown(): Promise<void> {
    this.realtime.detach();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
    await this.adapter.close();
  }
}
