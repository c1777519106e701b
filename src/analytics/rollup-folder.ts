import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import type Redis from 'ioredis';
import type { Model } from 'mongoose';
import { REDIS_CLIENT } from '../redis/redis.constants';
import { ALL, children, coarser, floorTo, type Level, merchantScope, rollupId } from './buckets';
import { applyFact, emptyMeasures, type Fact, merge, type Measures } from './rollup';
import { AnalyticsFact, AnalyticsRollup } from './schemas/analytics.schemas';

export const FOLD_EVERY_MS = 500;
const BATCH = 1_000;
/** Far longer than one batch takes; the folder stops writing once less than half of it is left. */
const LEASE_MS = 30_000;
const LEASE_KEY = 'analytics:folder';
const RELEASE = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) else return 0 end`;

type Bucket = { scope: string; level: Level; start: number };

/** Terminals are broken down per merchant only: across every merchant the breakdown would be most of each bucket's size. */
export function forScope(scope: string, m: Measures): Measures {
  return scope === ALL ? { ...m, terminals: {} } : m;
}

/**
 * Folds the inbox's facts into minute buckets, then rebuilds the hours and days they belong to.
 * One folder at a time (a Redis lease), so a bucket's read-modify-write has no competitor; a
 * crash at any point is repaired by the next run: a minute bucket lists the facts it holds (a
 * fact folded again is skipped), the inbox entry goes only after its buckets are written, and
 * hours and days are sums of their children, so rewriting them is always right.
 */
@Injectable()
export class RollupFolder {
  constructor(
    @InjectModel(AnalyticsFact.name) private readonly inbox: Model<AnalyticsFact>,
    @InjectModel(AnalyticsRollup.name) private readonly rollups: Model<AnalyticsRollup>,
    @Inject(REDIS_CLIENT) private readonly redis: Redis,
  ) {}

  /** Folds until the inbox is empty or the lease runs short; answers how many facts it folded. */
  async fold(): Promise<number> {
    const token = randomUUID();
    const leasedAt = Date.now();
    if ((await this.redis.set(LEASE_KEY, token, 'PX', LEASE_MS, 'NX')) !== 'OK') return 0;
    let folded = 0;
    try {
      for (let batch = await this.nextBatch(); batch.length && Date.now() - leasedAt < LEASE_MS / 2; batch = await this.nextBatch()) {
        await this.foldBatch(batch);
        folded += batch.length;
      }
    } finally {
      await this.redis.eval(RELEASE, 1, LEASE_KEY, token).catch(() => 0);
    }
    return folded;
  }

  private nextBatch(): Promise<Fact[]> {
    return this.inbox.find().limit(BATCH).lean<Fact[]>().exec();
  }

  private async foldBatch(facts: Fact[]): Promise<void> {
    const minutes = new Map<string, { bucket: Bucket; facts: Fact[] }>();
    for (const fact of facts) {
      for (const scope of [ALL, merchantScope(fact.merchantId)]) {
        const bucket: Bucket = { scope, level: 'minute', start: floorTo(new Date(fact.at).getTime(), 'minute') };
        const id = rollupId(bucket.scope, bucket.level, bucket.start);
        const entry = minutes.get(id) ?? { bucket, facts: [] };
        entry.facts.push(fact);
        minutes.set(id, entry);
      }
    }
    await Promise.all([...minutes.entries()].map(([id, { bucket, facts: some }]) => this.foldMinute(id, bucket, some)));
    await this.rebuildAbove([...minutes.values()].map((m) => m.bucket));
    await this.inbox.deleteMany({ _id: { $in: facts.map((f) => f._id) } });
  }

  private async foldMinute(id: string, bucket: Bucket, facts: Fact[]): Promise<void> {
    const doc = await this.rollups.findById(id).lean<AnalyticsRollup>().exec();
    const measures = doc ? merge(emptyMeasures(), doc.m) : emptyMeasures();
    const factIds = new Set(doc?.factIds ?? []);
    let changed = false;
    for (const fact of facts) {
      if (factIds.has(fact._id)) continue;
      applyFact(measures, fact);
      factIds.add(fact._id);
      changed = true;
    }
    if (changed) await this.write(id, bucket, forScope(bucket.scope, measures), [...factIds]);
  }

  /** Hours of the changed minutes, then days of those hours, each rebuilt from its children. */
  private async rebuildAbove(changed: Bucket[]): Promise<void> {
    for (let level = coarser('minute'); level; level = coarser(level)) {
      const above = new Map<string, Bucket>();
      for (const b of changed) {
        const start = floorTo(b.start, level);
        above.set(rollupId(b.scope, level, start), { scope: b.scope, level, start });
      }
      await Promise.all([...above.entries()].map(([id, bucket]) => this.rebuild(id, bucket)));
      changed = [...above.values()];
    }
  }

  private async rebuild(id: string, bucket: Bucket): Promise<void> {
    const childLevel = bucket.level === 'day' ? 'hour' : 'minute';
    const docs = await Promise.all(children(bucket.level, bucket.start).map((start) => this.rollups.findById(rollupId(bucket.scope, childLevel, start), { m: 1 }).lean<AnalyticsRollup>().exec()));
    const sum = docs.reduce((acc, doc) => (doc ? merge(acc, doc.m) : acc), emptyMeasures());
    await this.write(id, bucket, sum);
  }

  private async write(id: string, bucket: Bucket, m: Measures, factIds?: string[]): Promise<void> {
    await this.rollups.replaceOne(
      { _id: id },
      { _id: id, scope: bucket.scope, level: bucket.level, start: new Date(bucket.start), m, ...(factIds && { factIds }), updatedAt: new Date() },
      { upsert: true },
    );
  }
}
