import { Inject, Injectable, Logger, NotFoundException, OnModuleInit, ServiceUnavailableException } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import type Redis from 'ioredis';
import { Model } from 'mongoose';
import { REDIS_CLIENT } from '../redis/redis.constants';
import { fraudKeys } from './counters/fraud-keys';
import type { ListSnapshot } from './counters/in-memory-fraud-counters';
import { withRedisTimeout } from './counters/redis-fraud-counters';
import { fraudConfig, type FraudConfig } from './fraud.config';
import { FraudAuditService } from './fraud-audit.service';
import { FraudClock } from './fraud-clock';
import { FraudListEntry, LIST_TYPES, ListType } from './schemas/fraud-list-entry.schema';

/**
 * Block lists: MongoDB holds the entries, Redis sets mirror them so an assessment's single round
 * trip includes the membership checks. The mirror is rebuilt at start and every
 * FRAUD_LIST_RESYNC_SECONDS, which also repairs it after Redis lost data or a write to it failed.
 */
@Injectable()
export class FraudListsService implements OnModuleInit {
  private readonly logger = new Logger('FraudLists');

  constructor(
    @InjectModel(FraudListEntry.name) private readonly entries: Model<FraudListEntry>,
    @Inject(REDIS_CLIENT) private readonly redis: Redis,
    @Inject(fraudConfig.KEY) private readonly config: FraudConfig,
    private readonly audit: FraudAuditService,
    private readonly clock: FraudClock,
  ) {}

  async onModuleInit(): Promise<void> {
    await this.resync().catch((error) => this.logger.warn(`Could not mirror fraud lists into Redis: ${error.message}`));
  }

  async list(type: ListType | undefined, limit: number): Promise<FraudListEntry[]> {
    return this.entries
      .find(type ? { type } : {})
      .sort({ createdAt: -1, _id: -1 })
      .limit(limit)
      .lean<FraudListEntry[]>()
      .exec();
  }

  /** Adds an entry (idempotent: an existing one is answered as it is) and mirrors it into Redis. */
  async add(type: ListType, value: string, reason: string | undefined, actor: string): Promise<{ entry: FraudListEntry; created: boolean }> {
    const createdAt = new Date(this.clock.now());
    const result = await this.entries.updateOne(
      { type, value },
      { $setOnInsert: { type, value, createdBy: actor, createdAt, ...(reason !== undefined && { reason }) } },
      { upsert: true },
    );
    const created = result.upsertedCount === 1;
    if (created) await this.audit.write('list.add', actor, { type, value, reason: reason ?? null });
    await this.mirror(() => this.redis.sadd(fraudKeys.list(type), value), 'saved, but not yet effective');
    const entry = await this.entries.findOne({ type, value }).lean<FraudListEntry>().exec();
    return { entry: entry!, created };
  }

  async remove(type: ListType, value: string, actor: string): Promise<void> {
    const result = await this.entries.deleteOne({ type, value });
    if (result.deletedCount !== 1) throw new NotFoundException(`No ${type} ${value} on the block list`);
    await this.audit.write('list.remove', actor, { type, value });
    await this.mirror(() => this.redis.srem(fraudKeys.list(type), value), 'removed, but still effective until the next resync');
  }

  /** Everything listed now, for backtests. */
  async snapshot(): Promise<ListSnapshot> {
    const docs = await this.entries.find({}, { type: 1, value: 1 }).lean<FraudListEntry[]>().exec();
    const lists: ListSnapshot = { card: new Set(), terminal: new Set(), merchant: new Set() };
    for (const doc of docs) lists[doc.type]?.add(doc.value);
    return lists;
  }

  /** Rebuilds each Redis set from MongoDB atomically (MULTI: DEL + SADD). */
  async resync(): Promise<void> {
    const lists = await this.snapshot();
    const multi = this.redis.multi();
    for (const type of LIST_TYPES) {
      multi.del(fraudKeys.list(type));
      if (lists[type].size) multi.sadd(fraudKeys.list(type), ...lists[type]);
    }
    await withRedisTimeout(multi.exec(), 2_000);
  }

  private async mirror(write: () => Promise<unknown>, consequence: string): Promise<void> {
    try {
      await withRedisTimeout(write(), 1_000);
    } catch (error) {
      this.logger.warn(`Fraud list mirror write failed: ${(error as Error).message}`);
      throw new ServiceUnavailableException(`Fraud storage is unavailable: the change is ${consequence} (within ${this.config.listResyncSeconds} s of Redis being back)`);
    }
  }
}
