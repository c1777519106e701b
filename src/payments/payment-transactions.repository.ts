import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { Model, QueryFilter } from 'mongoose';
import { isFinal, PaymentStatus } from './payment-state';
import { OutboxEntry } from './schemas/outbox-entry.schema';
import { PaymentClaim } from './schemas/payment-claim.schema';
import { Transaction } from './schemas/transaction.schema';
import { isDuplicateKeyError } from '../common/database/duplicate-key';
import { insertGrouped } from '../common/database/group-commit';

export type NewPayment = Omit<Partial<Transaction>, '_id'> & { transactionId: string };
export type StartOutcome = 'settlement' | 'cancellation';
export type FinalStatus = Extract<PaymentStatus, 'completed' | 'failed' | 'cancelled' | 'expired' | 'declined'>;
/** How a payment waiting for its PIN was decided: the right PIN, the last wrong one (or a blocked card), or no PIN in time. */
export type PinOutcome = 'verified' | 'declined' | 'expired';

/** What a final payment implies besides its document, each recorded once done (see PaymentFinalizer). */
export type FinalEffect = 'events' | 'alert';

export interface Finished {
  payment: Transaction;
  /** This call moved the document into its final state (emit events, release limits once). */
  changed: boolean;
}

/**
 * The only writer of payment documents. A payment moves through its state machine by claims
 * (unique inserts, see PaymentClaim): whoever inserts `start` decides between settling and
 * cancelling, whoever inserts `final` decides the outcome. So a stalled or duplicated job, a
 * retry and a cancel racing each other can never move a payment backwards or settle it twice.
 */
@Injectable()
export class PaymentTransactionsRepository {
  constructor(
    @InjectModel(Transaction.name) private readonly transactions: Model<Transaction>,
    @InjectModel(PaymentClaim.name) private readonly claims: Model<PaymentClaim>,
    @InjectModel(OutboxEntry.name) private readonly outbox: Model<OutboxEntry>,
  ) {}

  /**
   * Inserts the payment and returns it; null when one with this id exists already. An accepted
   * (pending) payment is put in the outbox first (unless the caller opened its entry already), so
   * a crash in between leaves nothing unswept.
   */
  async insert(doc: NewPayment, { outboxOpened = false } = {}): Promise<Transaction | null> {
    if (doc.status === 'pending' && !outboxOpened) await this.openOutboxEntry(doc.transactionId, doc.amount!, doc.cardUuid);
    try {
      return await insertGrouped(this.transactions, { ...doc, _id: doc.transactionId });
    } catch (error) {
      if (isDuplicateKeyError(error)) return null;
      throw error;
    }
  }

  find(transactionId: string): Promise<Transaction | null> {
    return this.transactions.findById(transactionId).lean<Transaction>().exec();
  }

  /** The open payments, oldest first: what the outbox sweep looks at. */
  openPayments(limit: number): Promise<OutboxEntry[]> {
    return this.outbox.find().sort({ createdAt: 1 }).limit(limit).lean<OutboxEntry[]>().exec();
  }

  /** Opens the payment's outbox entry; opening it again changes nothing. */
  async openOutboxEntry(transactionId: string, amount: number, cardUuid?: string): Promise<void> {
    await insertGrouped(this.outbox, { _id: transactionId, amount, ...(cardUuid && { cardUuid }), createdAt: new Date() }).catch((error: unknown) => {
      if (!isDuplicateKeyError(error)) throw error;
    });
  }

  async closeOutboxEntry(transactionId: string): Promise<void> {
    await this.outbox.deleteOne({ _id: transactionId }).exec();
  }

  /** Claims the payment's start for `outcome`; returns the outcome that holds the claim (maybe another). */
  async claimStart(transactionId: string, outcome: StartOutcome): Promise<StartOutcome> {
    return (await this.claim(transactionId, 'start', outcome)).outcome as StartOutcome;
  }

  /** Decides how a payment waiting for its PIN goes on, once: `won` when this call decided, else the outcome that holds the claim. */
  async claimPin(transactionId: string, outcome: PinOutcome): Promise<{ outcome: PinOutcome; won: boolean }> {
    const { claim, won } = await this.insertClaim(transactionId, 'pin', outcome);
    return { outcome: claim.outcome as PinOutcome, won };
  }

  async pinClaim(transactionId: string): Promise<PaymentClaim | null> {
    return this.claims.findById(`${transactionId}:pin`).lean<PaymentClaim>().exec();
  }

  /**
   * After the `verified` PIN claim: the payment goes on like any accepted one. Filtered by `_id`
   * alone (see markProcessing): a repair that finds the payment moved on already puts its status back.
   */
  async markPinVerified(transactionId: string): Promise<Transaction | null> {
    const before = await this.transactions.findOneAndUpdate({ _id: transactionId }, { $set: { status: 'pending' } }, { returnDocument: 'before' }).lean<Transaction>().exec();
    if (!before) return null;
    if (before.status !== 'requires_pin') {
      await this.transactions.updateOne({ _id: transactionId }, { $set: { status: before.status } }).exec();
      return null;
    }
    return { ...before, status: 'pending' };
  }

  /** The final outcome already decided for the payment, if any. */
  async finalClaim(transactionId: string): Promise<PaymentClaim | null> {
    return this.claims.findById(`${transactionId}:final`).lean<PaymentClaim>().exec();
  }

  /**
   * Shows the payment as processing (the start claim is what counts). Null when it is already
   * final; `firstStart` when this is its first settlement attempt.
   *
   * Filters are `_id` alone: FerretDB answers any other filter, even `_id` plus a condition, by
   * scanning the whole collection, which made every settlement slower as payments piled up. So
   * instead of a conditional update, a write that finds it overtook the finalizer puts the final
   * status straight back (the final claim stays the truth throughout).
   */
  async markProcessing(transactionId: string, at: Date): Promise<{ payment: Transaction; firstStart: boolean } | null> {
    const before = await this.transactions
      // $min sets the first start once, in the same write (a second command per settlement before).
      .findOneAndUpdate({ _id: transactionId }, { $set: { status: 'processing' }, $inc: { attempts: 1 }, $min: { processingStartedAt: at } }, { returnDocument: 'before' })
      .lean<Transaction>()
      .exec();
    if (!before) return null;
    if (isFinal(before.status)) {
      const undo = { $set: { status: before.status }, $inc: { attempts: -1 }, ...(!before.processingStartedAt && { $unset: { processingStartedAt: 1 } }) };
      await this.transactions.updateOne({ _id: transactionId }, undo).exec();
      return null;
    }
    return { payment: { ...before, status: 'processing', processingStartedAt: before.processingStartedAt ?? at }, firstStart: !before.processingStartedAt };
  }

  /**
   * Decides the payment's outcome if nobody has yet, then applies the decided outcome to the
   * document (also when another caller decided it but died before applying it). Null when a
   * different outcome was decided.
   */
  async finish(transactionId: string, status: FinalStatus, fields: Partial<Transaction>): Promise<Finished | null> {
    const claim = await this.claim(transactionId, 'final', status, { status, ...fields });
    if (claim.outcome !== status) return null;
    return this.applyFinal(claim);
  }

  /** Brings the document in line with its final claim (repairs a crash between claim and update). */
  async applyFinal(claim: PaymentClaim): Promise<Finished | null> {
    const before = await this.transactions
      .findOneAndUpdate({ _id: claim.transactionId }, { $set: claim.fields ?? {} }, { returnDocument: 'before' })
      .lean<Transaction>()
      .exec();
    if (!before) return null;
    const payment = { ...before, ...(claim.fields as Partial<Transaction>) } as Transaction;
    return { payment, changed: !isFinal(before.status) };
  }

  /** Which of `effects` are recorded as done for the payment. */
  async effectsDone(transactionId: string, effects: readonly FinalEffect[]): Promise<Set<FinalEffect>> {
    const found = await Promise.all(effects.map((effect) => this.claims.exists({ _id: effectId(transactionId, effect) }).exec()));
    return new Set(effects.filter((_, i) => found[i]));
  }

  /** Records an effect as done: a unique insert, so recording it twice is harmless. */
  async recordEffectDone(transactionId: string, effect: FinalEffect): Promise<void> {
    await insertGrouped(this.claims, { _id: effectId(transactionId, effect), transactionId, outcome: 'done', createdAt: new Date() }).catch((error: unknown) => {
      if (!isDuplicateKeyError(error)) throw error;
    });
  }

  findMany(filter: QueryFilter<Transaction>, limit: number): Promise<Transaction[]> {
    return this.transactions.find(filter).sort({ createdAt: -1, transactionId: -1 }).limit(limit).lean<Transaction[]>().exec();
  }

  private async claim(transactionId: string, phase: 'start' | 'final', outcome: string, fields?: Record<string, unknown>): Promise<PaymentClaim> {
    return (await this.insertClaim(transactionId, phase, outcome, fields)).claim;
  }

  private async insertClaim(transactionId: string, phase: 'start' | 'final' | 'pin', outcome: string, fields?: Record<string, unknown>): Promise<{ claim: PaymentClaim; won: boolean }> {
    const claim: PaymentClaim = { _id: `${transactionId}:${phase}`, transactionId, outcome, ...(fields && { fields }), createdAt: new Date() };
    try {
      await insertGrouped(this.claims, { ...claim });
      return { claim, won: true };
    } catch (error) {
      if (!isDuplicateKeyError(error)) throw error;
      return { claim: (await this.claims.findById(claim._id).lean<PaymentClaim>().exec())!, won: false };
    }
  }
}

const effectId = (transactionId: string, effect: FinalEffect) => `${transactionId}:done:${effect}`;
