import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import type { Model } from 'mongoose';
import { isDuplicateKeyError } from '../../common/database/duplicate-key';
import { MoneyEntry } from './money-entry.schema';

/** What a payment has had refunded or held for refunds. */
export const paymentRefundsChain = (transactionId: string) => `refunds:${transactionId}`;
/** What has left a merchant's settlement wallet or is held to leave it (refunds and payouts). */
export const merchantOutflowChain = (merchantId: string) => `outflow:${merchantId}`;

/**
 * Running totals that concurrent callers extend only within a bound, as an append-only chain of
 * unique inserts: the technique of the daily card limits (SpendingLimitsService), for money
 * leaving a merchant. A refund holds its amount on its payment's chain (never past the amount paid)
 * and on its merchant's (never past what settled), and gives both back if it fails.
 */
@Injectable()
export class MoneyChain {
  constructor(@InjectModel(MoneyEntry.name) private readonly entries: Model<MoneyEntry>) {}

  /** Adds `amount` if `bound(total)` allows it at the true head; false when it does not. */
  reserve(chain: string, opId: string, amount: number, mayReach: (total: number) => boolean | Promise<boolean>): Promise<boolean> {
    return this.append(chain, opId, 'reserve', amount, mayReach);
  }

  async release(chain: string, opId: string, amount: number): Promise<void> {
    await this.append(chain, opId, 'release', -amount, () => true);
  }

  async total(chain: string): Promise<number> {
    return (await this.walk(chain, { seq: 0, total: 0 })).total;
  }

  private async append(chain: string, opId: string, kind: MoneyEntry['kind'], delta: number, mayReach: (total: number) => boolean | Promise<boolean>): Promise<boolean> {
    let head = { seq: 0, total: 0 };
    for (;;) {
      head = await this.walk(chain, head);
      if (!(await mayReach(head.total + delta))) return false;
      const next = { seq: head.seq + 1, total: head.total + delta };
      try {
        await this.entries.create({ _id: `${chain}|${next.seq}`, chain, ...next, delta, opId, kind, createdAt: new Date() });
        return true;
      } catch (error) {
        if (!isDuplicateKeyError(error)) throw error;
        // Another reservation took this link (walk on and decide again), or this one is already in.
        if (await this.entries.exists({ chain, opId, kind }).exec()) return true;
      }
    }
  }

  private async walk(chain: string, from: { seq: number; total: number }): Promise<{ seq: number; total: number }> {
    let head = from;
    for (;;) {
      const next = await this.entries.findById(`${chain}|${head.seq + 1}`).lean().exec();
      if (!next) return head;
      head = { seq: next.seq, total: next.total };
    }
  }
}
