import { BadRequestException, ConflictException, Inject, Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import type Redis from 'ioredis';
import { Model } from 'mongoose';
import { REDIS_CLIENT } from '../redis/redis.constants';
import { fraudKeys } from './counters/fraud-keys';
import { withRedisTimeout } from './counters/redis-fraud-counters';
import { FraudAuditService } from './fraud-audit.service';
import { FraudClock } from './fraud-clock';
import { DEFAULT_RULES, FraudRulesConfig, FraudRulesPatch, mergeRules, rulesConfigProblem } from './fraud-rules.config';
import { ACTIVE_RULE_SET_ID, FraudRuleSet } from './schemas/fraud-rule-set.schema';

export interface ActiveRules {
  version: number;
  config: FraudRulesConfig;
  updatedBy?: string;
  updatedAt?: Date;
}

/** Publishes a version only if it is newer than the one in Redis, so racing writers never go back. */
const PUBLISH_VERSION = `local current = tonumber(redis.call('GET', KEYS[1]) or '0')
if current < tonumber(ARGV[1]) then redis.call('SET', KEYS[1], ARGV[1]) return 1 end
return 0`;

/** A safety net beside the per-assessment version check (e.g. Redis lost the version key). */
/** A safety net beside the version check: rules are reloaded this often anyway (src/roles/periodic-work.ts). */
export const REFRESH_EVERY_MS = 30_000;

/**
 * The active rule set: MongoDB is the source of truth; every instance caches it in memory and
 * reloads when the version published in Redis (read in the assessment's own round trip) moves
 * past its cached one, so a change applies to the next payment on every instance.
 */
@Injectable()
export class FraudRulesService implements OnModuleInit {
  private readonly logger = new Logger('FraudRules');
  private active: ActiveRules = { version: 0, config: DEFAULT_RULES };
  private reloading?: Promise<ActiveRules>;

  constructor(
    @InjectModel(FraudRuleSet.name) private readonly ruleSets: Model<FraudRuleSet>,
    @Inject(REDIS_CLIENT) private readonly redis: Redis,
    private readonly audit: FraudAuditService,
    private readonly clock: FraudClock,
  ) {}

  async onModuleInit(): Promise<void> {
    await this.ruleSets.updateOne(
      { _id: ACTIVE_RULE_SET_ID },
      { $setOnInsert: { version: 1, config: DEFAULT_RULES, updatedBy: 'system', updatedAt: new Date(this.clock.now()) } },
      { upsert: true },
    );
    await this.reload();
    await this.publish(this.active.version);
  }

  current(): ActiveRules {
    return this.active;
  }

  /** Called with the version an assessment saw in Redis; reloads (once, shared) when it is newer. */
  async ensureVersion(seen: number | null): Promise<ActiveRules> {
    if (seen === null || seen <= this.active.version) return this.active;
    return this.reload();
  }

  reload(): Promise<ActiveRules> {
    this.reloading ??= this.load().finally(() => (this.reloading = undefined));
    return this.reloading;
  }

  async update(patch: FraudRulesPatch, actor: string): Promise<ActiveRules> {
    for (let attempt = 0; attempt < 5; attempt++) {
      const current = await this.load();
      const next = mergeRules(current.config, patch);
      const problem = rulesConfigProblem(next);
      if (problem) throw new BadRequestException(problem);
      const version = current.version + 1;
      const updatedAt = new Date(this.clock.now());
      const result = await this.ruleSets.updateOne(
        { _id: ACTIVE_RULE_SET_ID, version: current.version },
        { $set: { version, config: next, updatedBy: actor, updatedAt } },
      );
      if (result.modifiedCount !== 1) continue;
      this.active = { version, config: next, updatedBy: actor, updatedAt };
      await this.audit.write('rules.update', actor, { fromVersion: current.version, toVersion: version, changes: diff(current.config, next) });
      await this.publish(version);
      return this.active;
    }
    throw new ConflictException('The rules changed concurrently; try again');
  }

  private async load(): Promise<ActiveRules> {
    const doc = await this.ruleSets.findById(ACTIVE_RULE_SET_ID).lean<FraudRuleSet>().exec();
    if (!doc) return this.active;
    const loaded = { version: doc.version, config: mergeRules(DEFAULT_RULES, doc.config), updatedBy: doc.updatedBy, updatedAt: doc.updatedAt };
    if (loaded.version >= this.active.version) this.active = loaded;
    return loaded;
  }

  private async publish(version: number): Promise<void> {
    try {
      await withRedisTimeout(this.redis.eval(PUBLISH_VERSION, 1, fraudKeys.rulesVersion, version), 1_000);
    } catch (error) {
      // Other instances pick the change up at their next periodic refresh.
      this.logger.warn(`Could not publish fraud rules version ${version} to Redis: ${(error as Error).message}`);
    }
  }
}

/** Every leaf that differs, as `{path, from, to}`. */
export function diff(before: unknown, after: unknown, path = ''): { path: string; from: unknown; to: unknown }[] {
  if (typeof before === 'object' && before && typeof after === 'object' && after) {
    const keys = new Set([...Object.keys(before), ...Object.keys(after)]);
    return [...keys].flatMap((key) =>
      diff((before as Record<string, unknown>)[key], (after as Record<string, unknown>)[key], path ? `${path}.${key}` : key),
    );
  }
  return before === after ? [] : [{ path, from: before ?? null, to: after ?? null }];
}
