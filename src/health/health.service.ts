import { Inject, Injectable } from '@nestjs/common';
import { InjectConnection } from '@nestjs/mongoose';
import type Redis from 'ioredis';
import type { Connection } from 'mongoose';
import { withTimeout } from '../common/time/with-timeout';
import { REDIS_CLIENT } from '../redis/redis.constants';
import { blockchainConfig, type BlockchainConfig } from '../blockchain/blockchain.config';

export type DependencyState = 'up' | 'down';
export interface Readiness {
  ready: boolean;
  checks: { mongodb: DependencyState; redis: DependencyState };
}

const PING_TIMEOUT_MS = 1_000;

@Injectable()
export class HealthService {
  constructor(
    @InjectConnection() private readonly mongo: Connection,
    @Inject(REDIS_CLIENT) private readonly redis: Redis,
    @Inject(blockchainConfig.KEY) private readonly chainConfig: BlockchainConfig,
  ) {}

  /** Where payments settle: a Sui network, or the local ledger (said plainly, so nobody mistakes it for a chain). */
  chain(): string {
    const network = this.chainConfig.network;
    return network ? `sui:${network}` : 'local-ledger (no Sui node; development only)';
  }

  /** `local` when payments settle on the in-process ledger, else the Sui network's name. */
  ledger(): string {
    return this.chainConfig.network ?? 'local';
  }

  async readiness(): Promise<Readiness> {
    const [mongodb, redis] = await Promise.all([
      probe(() => this.mongo.db!.command({ ping: 1 })),
      probe(() => this.redis.ping()),
    ]);
    return { ready: mongodb === 'up' && redis === 'up', checks: { mongodb, redis } };
  }
}

async function probe(ping: () => Promise<unknown>): Promise<DependencyState> {
  return withTimeout(ping(), PING_TIMEOUT_MS).then(
    () => 'up',
    () => 'down',
  );
}
