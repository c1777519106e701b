import { Injectable } from '@nestjs/common';
import { InjectModel, Prop, Schema, SchemaFactory } from '@nestjs/mongoose';
import type { Model } from 'mongoose';
import { MoneyEntry } from './money-entry.schema';

/**
 * One per refund or payout asked for, written before its amount is reserved and removed only once
 * all that its outcome implies is done (the reservation given back if it failed, its event's
 * durable listeners run). A process that dies anywhere in between leaves the entry, and the money
 * outbox sweep finishes the work: the payments outbox, for money leaving a merchant.
 */
@Schema({ collection: 'money_outbox', versionKey: false })
export class MoneyOutboxEntry {
  /** The reservation id: unique per ask, so two asks with one Idempotency-Key keep one entry each. */
  @Prop({ type: String, required: true })
  _id: string;

  @Prop({ type: String, required: true, enum: ['refund', 'payout'] }) kind: 'refund' | 'payout';
  /** The refund's or payout's id. */
  @Prop({ required: true }) opId: string;
  @Prop({ required: true }) merchantId: string;
  /** The chains the reservation is on (see MoneyChain). */
  @Prop({ type: [String], required: true }) chains: string[];
  @Prop({ required: true }) amount: number;
  @Prop({ required: true }) createdAt: Date;
}

export const MoneyOutboxEntrySchema = SchemaFactory.createForClass(MoneyOutboxEntry);
MoneyOutboxEntrySchema.index({ createdAt: 1 });

const BATCH = 200;

@Injectable()
export class MoneyOutbox {
  constructor(
    @InjectModel(MoneyOutboxEntry.name) private readonly entries: Model<MoneyOutboxEntry>,
    @InjectModel(MoneyEntry.name) private readonly links: Model<MoneyEntry>,
  ) {}

  async open(entry: Omit<MoneyOutboxEntry, 'createdAt'>): Promise<void> {
    await this.entries.create({ ...entry, createdAt: new Date() });
  }

  async close(reservationId: string): Promise<void> {
    await this.entries.deleteOne({ _id: reservationId }).exec();
  }

  async isOpen(reservationId: string): Promise<boolean> {
    return !!(await this.entries.exists({ _id: reservationId }).exec());
  }

  oldest(): Promise<MoneyOutboxEntry[]> {
    return this.entries.find({}).sort({ createdAt: 1 }).limit(BATCH).lean().exec();
  }

  /** The chains of the entry on which its reservation was actually made (a crash may have come between the two). */
  async reservedChains(entry: MoneyOutboxEntry): Promise<string[]> {
    const held = await Promise.all(entry.chains.map(async (chain) => ((await this.links.exists({ chain, opId: entry._id, kind: 'reserve' }).exec()) ? chain : null)));
    return held.filter((chain): chain is string => chain !== null);
  }
}
