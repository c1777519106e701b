import { Inject, Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { Model } from 'mongoose';
import { fraudConfig, type FraudConfig } from './fraud.config';
import { FraudClock } from './fraud-clock';
import { FraudAssessmentRecord } from './schemas/fraud-assessment.schema';

type NewAssessment = Omit<FraudAssessmentRecord, '_id'>;
type AssessmentUpdate = Partial<Pick<FraudAssessmentRecord, 'approved' | 'transactionId' | 'accountable'>>;

/** How often buffered assessments are written (src/roles/periodic-work.ts). */
export const FLUSH_EVERY_MS = 100;
const FLUSH_AT = 500;
/** While MongoDB is away, at most this many assessments wait; older ones are dropped (logged). */
const MAX_BUFFERED = 50_000;
export const CLEANUP_EVERY_MS = 3_600_000;

/**
 * Stores every assessment without making the payment wait: assessments are buffered and written
 * in batches (insertMany every 100 ms or 500 documents). An outcome or transaction id that arrives
 * before its assessment was written is merged into it, so most payments cost one batched insert;
 * later ones become batched updates applied after the insert. Errors are logged, never thrown.
 * FerretDB has no TTL indexes, so old assessments are deleted by a periodic query.
 */
@Injectable()
export class FraudAssessmentsStore implements OnApplicationShutdown {
  private readonly logger = new Logger('FraudAssessments');
  private buffered = new Map<string, NewAssessment>();
  private updates = new Map<string, AssessmentUpdate>();
  private flushing?: Promise<void>;

  constructor(
    @InjectModel(FraudAssessmentRecord.name) private readonly model: Model<FraudAssessmentRecord>,
    @Inject(fraudConfig.KEY) private readonly config: FraudConfig,
    private readonly clock: FraudClock,
  ) {}

  async onApplicationShutdown(): Promise<void> {
    await this.whenIdle();
  }

  insert(record: NewAssessment): void {
    this.buffered.set(record.assessmentId, record);
    if (this.buffered.size > MAX_BUFFERED) {
      const oldest = this.buffered.keys().next().value!;
      this.buffered.delete(oldest);
      this.logger.error(`Fraud assessment buffer full (MongoDB unavailable?): dropped assessment ${oldest}`);
    }
    if (this.buffered.size >= FLUSH_AT) void this.flush();
  }

  update(assessmentId: string, set: AssessmentUpdate): void {
    const waiting = this.buffered.get(assessmentId);
    if (waiting) Object.assign(waiting, set);
    else this.updates.set(assessmentId, { ...this.updates.get(assessmentId), ...set });
  }

  /** Resolves once everything handed over so far has been written (or failed and been logged). */
  async whenIdle(): Promise<void> {
    while (this.flushing || this.buffered.size || this.updates.size) await this.flush();
  }

  /** One assessment by its id, buffered or stored. */
  async find(assessmentId: string): Promise<FraudAssessmentRecord | null> {
    const waiting = this.buffered.get(assessmentId);
    if (waiting) return { _id: assessmentId, ...waiting };
    return this.model.findById(assessmentId).lean<FraudAssessmentRecord>().exec();
  }

  /** The assessment of a payment (a scan on FerretDB: admins only), waiting for buffered writes first. */
  async findByTransaction(transactionId: string): Promise<FraudAssessmentRecord | null> {
    await this.whenIdle();
    return this.model.findOne({ transactionId }).lean<FraudAssessmentRecord>().exec();
  }

  async cleanup(): Promise<number> {
    const before = new Date(this.clock.now() - this.config.assessmentRetentionDays * 86_400_000);
    const result = await this.model.deleteMany({ at: { $lt: before } });
    return result.deletedCount;
  }

  /** One batch at a time, so an update never overtakes the insert it belongs to. */
  flush(): Promise<void> {
    this.flushing ??= this.write().finally(() => (this.flushing = undefined));
    return this.flushing;
  }

  private async write(): Promise<void> {
    const docs = [...this.buffered.values()].map((record) => ({ _id: record.assessmentId, ...record }));
    const updates = [...this.updates];
    this.buffered = new Map();
    this.updates = new Map();
    if (docs.length) {
      await this.model.insertMany(docs, { ordered: false, lean: true }).catch((error: Error) => {
        this.logger.error(`Storing ${docs.length} fraud assessments failed: ${error.message}`);
      });
    }
    if (updates.length) {
      const operations = updates.map(([assessmentId, set]) => ({ updateOne: { filter: { _id: assessmentId }, update: { $set: set } } }));
      await this.model.bulkWrite(operations, { ordered: false }).catch((error: Error) => {
        this.logger.error(`Updating ${updates.length} fraud assessments failed: ${error.message}`);
      });
    }
  }
}
