import type { Logger } from '@nestjs/common';
import type { Queue } from 'bull';
import type { Model } from 'mongoose';
import { SettlementError } from '../../blockchain/settlement/settlement.error';
import type { SettlementService } from '../../blockchain/settlement/settlement.service';
import { isDuplicateKeyError } from '../../common/database/duplicate-key';
import type { MoneyChain } from './money-chain';
import type { MoneyOutbox, MoneyOutboxEntry } from './money-outbox';
import { hasLiveJob, type MoneyRepair, ORPHAN_ENTRY_MS } from './money-repair';

/** A refund or a payout, as the steps they share see it. */
export interface OutflowRecord {
  _id: string;
  merchantId: string;
  amount: number;
  amountMist: string;
  status: string;
  reservationId: string;
  fromAddress: string;
  toAddress: string;
}

/** The unique insert that decides an outflow's outcome once (FerretDB has no conditional update). */
export interface OutflowClaim {
  _id: string;
  outcome: string;
  txHash?: string;
  failureReason?: string;
  at: Date;
}

export type OutflowResult<C extends OutflowClaim> = C['outcome'] | 'failed' | 'retry' | 'skipped';

/** What differs between a refund and a payout; the rest of their life is MoneyOutflow's. */
export interface OutflowKind<R extends OutflowRecord, C extends OutflowClaim> {
  label: 'refund' | 'payout';
  records: Model<R>;
  claims: Model<C>;
  queue: Queue;
  jobName: string;
  jobData: (id: string) => object;
  attempts: number;
  /** The outcome of a transfer that landed; any other gives the reservation back. */
  landed: C['outcome'];
  /** Gives back what the outflow holds on its chains (idempotent, as each chain's release is). */
  giveBack: (record: R) => Promise<void>;
  /** The record's fields once `claim` is applied. */
  finalFields: (claim: C) => Partial<R>;
  /** Tells its listeners of a new record (not awaited). */
  accepted: (record: R) => void;
  /** Tells the durable listeners (the webhook record among them) of a final record; awaited before the outbox entry closes. */
  finished: (record: R) => Promise<unknown>;
}

/**
 * The life of money leaving a settlement wallet, shared by refunds and payouts: once reserved (by
 * their own rules) it is recorded, queued, transferred exactly once by the settlement engine
 * (stored bytes and digest under the wallet's lease), decided once by a unique claim, and finished
 * (reservation given back unless it landed, event, outbox entry closed). The money outbox sweep
 * repairs whatever a crash left between those steps.
 */
export class MoneyOutflow<R extends OutflowRecord, C extends OutflowClaim> {
  constructor(
    private readonly kind: OutflowKind<R, C>,
    private readonly settlement: SettlementService,
    private readonly outbox: MoneyOutbox,
    private readonly chains: MoneyChain,
    private readonly logger: Logger,
  ) {}

  /**
   * Writes a reserved outflow and queues it. If the write fails its reservation goes back; the same
   * id written at the same moment (one Idempotency-Key) answers the first one's record. Once
   * written it is accepted even if Redis is away (the money outbox sweep queues it).
   */
  async record(doc: Partial<R> & Pick<R, '_id' | 'merchantId' | 'amount' | 'reservationId'>): Promise<R> {
    let record: R;
    try {
      record = (await this.kind.records.create(doc)).toObject() as R;
    } catch (error) {
      await this.kind.giveBack(doc as R);
      await this.outbox.close(doc.reservationId);
      if (!isDuplicateKeyError(error)) throw error;
      return (await this.find(doc._id))!;
    }
    await this.enqueue(doc._id).catch((error: Error) => this.logger.warn(`${this.kind.label} ${doc._id} not queued yet: ${error.message}`));
    this.kind.accepted(record);
    return record;
  }

  /**
   * The job: the transfer exactly once, then the outcome once. `instead`, asked just before the
   * transfer, may answer a claim to decide rather than transfer (a refund canceled first).
   */
  async transfer(id: string, lastAttempt: boolean, instead?: (record: R) => Promise<C | null>): Promise<OutflowResult<C>> {
    const record = await this.find(id);
    if (!record) return 'skipped';
    const decided = await this.kind.claims.findById(id).lean<C>().exec();
    if (decided) {
      await this.apply(record, decided);
      return 'skipped';
    }
    const other = await instead?.(record);
    if (other) {
      await this.decide(record, other);
      return 'skipped';
    }
    let txHash: string;
    try {
      ({ txHash } = await this.settlement.settle({ transactionId: id, fromAddress: record.fromAddress, toAddress: record.toAddress, amountMist: BigInt(record.amountMist) }));
    } catch (error) {
      return this.notTransferred(record, error, lastAttempt);
    }
    // The ledger confirmed the transfer: a failure to record it from here leaves the outflow in flight
    // (the job retries, then the money outbox sweep runs it again and the stored digest answers), never failed.
    await this.decide(record, { _id: id, outcome: this.kind.landed, txHash, at: new Date() } as C);
    return this.kind.landed;
  }

  /**
   * A transfer that threw. It fails (and its reservation goes back) only when the ledger said it did
   * not execute (a permanent failure) or when no bytes were ever stored, hence sent, for it; the
   * decide-once claim then stops any later run.
   */
  private async notTransferred(record: R, error: unknown, lastAttempt: boolean): Promise<OutflowResult<C>> {
    const retryable = !(error instanceof SettlementError) || error.retryable;
    if (retryable && (!lastAttempt || (await this.settlement.mayHaveSent(record._id)))) {
      this.logger.warn(`${this.kind.label} ${record._id}: attempt failed, will retry${lastAttempt ? ' after the money outbox sweep' : ''}: ${(error as Error).message}`);
      return 'retry';
    }
    const failureReason = error instanceof SettlementError ? `${error.code}: ${error.message}` : `${capitalized(this.kind.label)} failed: ${(error as Error).message}`;
    await this.decide(record, { _id: record._id, outcome: 'failed', failureReason, at: new Date() } as C);
    return 'failed';
  }

  /**
   * The money outbox sweep's part: a reservation whose record was never written is given back, a
   * pending record with no live job is queued again, and a decided one gets what its outcome
   * implies and is not done yet.
   */
  async repair(entry: MoneyOutboxEntry, ageMs: number): Promise<MoneyRepair> {
    const record = await this.find(entry.opId);
    if (!record || record.reservationId !== entry._id) {
      if (ageMs < ORPHAN_ENTRY_MS) return 'waiting';
      for (const chain of await this.outbox.reservedChains(entry)) await this.chains.release(chain, entry._id, entry.amount);
      await this.outbox.close(entry._id);
      return 'released';
    }
    const decided = await this.kind.claims.findById(record._id).lean<C>().exec();
    if (decided) {
      await this.apply(record, decided);
      return 'finished';
    }
    if (await hasLiveJob(this.kind.queue, record._id)) return 'waiting';
    await (await this.kind.queue.getJob(record._id))?.remove();
    await this.enqueue(record._id);
    return 'requeued';
  }

  /** The first outcome inserted is the outcome; anyone finishes applying it. */
  async decide(record: R, claim: C): Promise<void> {
    let decided = claim;
    try {
      await this.kind.claims.create(claim);
    } catch (error) {
      if (!isDuplicateKeyError(error)) throw error;
      decided = (await this.kind.claims.findById(record._id).lean<C>().exec())!;
    }
    await this.apply(record, decided);
  }

  /** Applies a decided outcome, then its effects before the outbox entry closes, so a crash in between is repaired. */
  private async apply(record: R, claim: C): Promise<void> {
    if (claim.outcome !== this.kind.landed) await this.kind.giveBack(record);
    let final: R | null = record;
    if (record.status === 'pending') {
      final = await this.kind.records.findOneAndUpdate({ _id: record._id } as never, { $set: this.kind.finalFields(claim) }, { returnDocument: 'after' }).lean<R>().exec();
    } else if (!(await this.outbox.isOpen(record.reservationId))) return;
    if (!final) return;
    await this.kind.finished(final);
    await this.outbox.close(record.reservationId);
  }

  private find(id: string): Promise<R | null> {
    return this.kind.records.findById(id).lean<R>().exec();
  }

  private async enqueue(id: string): Promise<void> {
    await this.kind.queue.add(this.kind.jobName, this.kind.jobData(id), { jobId: id, attempts: this.kind.attempts, backoff: { type: 'exponential', delay: 500 }, removeOnComplete: 1_000, removeOnFail: 5_000 });
  }
}

const capitalized = (word: string) => `${word[0].toUpperCase()}${word.slice(1)}`;
