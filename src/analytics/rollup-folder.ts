import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import type Redis from 'ioredis';
import type { Model } from 'mongoose';
import { isDuplicateKeyError } from '../common/database/duplicate-key';
import { writeErrorsOf } from '../common/database/group-commit';
import { REDIS_CLIENT } from '../redis/redis.constants';
import { ALL, coarser, floorTo, type Level, merchantScope, rollupId } from './buckets';
import { applyFact, emptyMeasures, type Fact, merge, type Measures } from './rollup';
import { AnalyticsFact, AnalyticsRollup, FoldedFact, FoldJournal } from './schemas/analytics.schemas';

export const FOLD_EVERY_MS = 500;
const BATCH = 1_000;
/** Far longer than one batch takes; the folder stops writing once less than half of it is left. */
const LEASE_MS = 30_000;
const LEASE_KEY = 'analytics:folder';
const RELEASE = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) else return 0 end`;
const JOURNAL_ID = 'current';
/** A payment's final facts come within hours of its tap; a marker outlives that by days. */
export const FOLDED_KEPT_DAYS = 8;
const SWEEP_EVERY_MS = 3_600_000;

type Bucket = { scope: string; level: Level; start: number };

/** Terminals are broken down per merchant only: across every merchant the breakdown would be most of each bucket's size. */
export function forScope(scope: string, m: Measures): Measures {
  return scope === ALL ? { ...m, terminals: {} } : m;
}

/**
 * Folds the inbox's facts into minute, hour and day buckets, adding each batch's figures to the
 * few buckets it touches (a fold costs ~15 commands however full the buckets are). Exactly once:
 * one folder at a time (a Redis lease), so a bucket's read-modify-write has no competitor; a fact
 * is folded only if its marker (`analytics_folded`, by `_id`) is new; and a journal written
 * first names the fold, which a crash leaves behind for the next run to finish — its markers are
 * recognised as its own and the buckets it already wrote carry its id — before the inbox entries
 * go and the journal with them.
 */
@Injectable()
export class RollupFolder {
  private sweptAt = 0;

  constructor(
    @InjectModel(AnalyticsFact.name) private readonly inbox: Model<AnalyticsFact>,
    @InjectModel(AnalyticsRollup.name) private readonly rollups: Model<AnalyticsRollup>,
    @InjectModel(FoldedFact.name) private readonly folded: Model<FoldedFact>,
    @InjectModel(FoldJournal.name) private readonly journal: Model<FoldJournal>,
    @Inject(REDIS_CLIENT) private readonly redis: Redis,
  ) {}

  /** Folds until the inbox is empty or the lease runs short; answers how many facts it folded. */
  async fold(): Promise<number> {
    const token = randomUUID();
    const leasedAt = Date.now();
    if ((await this.redis.set(LEASE_KEY, token, 'PX', LEASE_MS, 'NX')) !== 'OK') return 0;
    let folded = 0;
    try {
      const unfinished = await this.journal.findById(JOURNAL_ID).lean<FoldJournal>().exec();
      if (unfinished) folded += await this.finish(unfinished, await this.factsOf(unfinished), true);
      for (let batch = await this.nextBatch(); batch.length && Date.now() - leasedAt < LEASE_MS / 2; batch = await this.nextBatch()) {
        const journal: FoldJournal = { _id: JOURNAL_ID, foldId: randomUUID(), factIds: batch.map((f) => f._id), startedAt: new Date() };
        await this.journal.collection.insertOne(journal as never);
        folded += await this.finish(journal, batch, false);
      }
      await this.sweepMarkers();
    } finally {
      await this.redis.eval(RELEASE, 1, LEASE_KEY, token).catch(() => 0);
    }
    return folded;
  }

  private nextBatch(): Promise<Fact[]> {
    return this.inbox.find().limit(BATCH).lean<Fact[]>().exec();
  }

  private factsOf(journal: FoldJournal): Promise<Fact[]> {
    return this.inbox.find({ _id: { $in: journal.factIds } }).lean<Fact[]>().exec();
  }

  private async finish(journal: FoldJournal, facts: Fact[], resumed: boolean): Promise<number> {
    const fresh = await this.claim(journal.foldId, facts, resumed);
    const deltas = bucketDeltas(fresh);
    await Promise.all([...deltas].map(([id, { bucket, m }]) => this.add(id, bucket, m, journal.foldId)));
    await this.inbox.deleteMany({ _id: { $in: journal.factIds } });
    await this.journal.deleteOne({ _id: JOURNAL_ID, foldId: journal.foldId });
    return fresh.length;
  }

  /** The facts this fold counts: those whose marker it wrote (a resumed fold finds its own from before the crash). */
  private async claim(foldId: string, facts: Fact[], resumed: boolean): Promise<Fact[]> {
    if (!facts.length) return [];
    const at = new Date();
    let taken = new Set<number>();
    try {
      await this.folded.collection.insertMany(facts.map((f) => ({ _id: f._id, foldId, at })) as never[], { ordered: false });
    } catch (error) {
      const writeErrors = writeErrorsOf(error);
      if (!writeErrors || !writeErrors.every((e) => isDuplicateKeyError(e))) throw error;
      taken = new Set(writeErrors.map((e) => e.index));
    }
    const ours = facts.filter((_, i) => !taken.has(i));
    if (!resumed || !taken.size) return ours;
    const marked = facts.filter((_, i) => taken.has(i));
    const mine = new Set((await this.folded.find({ _id: { $in: marked.map((f) => f._id) }, foldId }, { _id: 1 }).lean().exec()).map((m) => String(m._id)));
    return [...ours, ...marked.filter((f) => mine.has(f._id))];
  }

  private async add(id: string, bucket: Bucket, delta: Measures, foldId: string): Promise<void> {
    const doc = await this.rollups.findById(id, { factIds: 0 }).lean<AnalyticsRollup>().exec();
    if (doc?.lastFold === foldId) return;
    const m = forScope(bucket.scope, merge(doc ? merge(emptyMeasures(), doc.m) : emptyMeasures(), delta));
    await this.rollups.collection.replaceOne(
      { _id: id as never },
      { scope: bucket.scope, level: bucket.level, start: new Date(bucket.start), m, lastFold: foldId, updatedAt: new Date() },
      { upsert: true },
    );
  }

  private async sweepMarkers(): Promise<void> {
    if (Date.now() - this.sweptAt < SWEEP_EVERY_MS) return;
    this.sweptAt = Date.now();
    await this.folded.deleteMany({ at: { $lt: new Date(Date.now() - FOLDED_KEPT_DAYS * 86_400_000) } });
  }
}

/** Each bucket a batch touches (every level, every merchant and the whole platform) with what the batch adds to it. */
export function bucketDeltas(facts: Fact[]): Map<string, { bucket: Bucket; m: Measures }> {
  const deltas = new Map<string, { bucket: Bucket; m: Measures }>();
  for (const fact of facts) {
    for (const scope of [ALL, merchantScope(fact.merchantId)]) {
      for (let level: Level | undefined = 'minute'; level; level = coarser(level)) {
        const bucket: Bucket = { scope, level, start: floorTo(new Date(fact.at).getTime(), level) };
        const id = rollupId(scope, level, bucket.start);
        const entry = deltas.get(id) ?? { bucket, m: emptyMeasures() };
        applyFact(entry.m, fact);
        deltas.set(id, entry);
      }
    }
  }
  return deltas;
}
