import type { Connection, mongo } from 'mongoose';
import type { PreparedSettlement, SettlementAttemptStore } from './settlement.types';
import { isDuplicateKeyError } from '../../common/database/duplicate-key';
import { SettlementError } from './settlement.error';

/** Attempt `gen` of one payment; `_id` = `${transactionId}#${gen}`, so a replacement is won by exactly one insert. */
interface AttemptDoc extends PreparedSettlement {
  _id: string;
  transactionId: string;
  gen: number;
  savedAt: Date;
}

/** Which payment a transaction digest belongs to; `_id` = `digest:${digest}`, so a digest has one payment only. */
interface DigestDoc {
  _id: string;
  transactionId: string;
}

/**
 * `SettlementAttemptStore` on its own collection. Attempts are appended, never overwritten, so
 * the compare-and-set holds on FerretDB too (where a conditional update is not atomic), and
 * every transaction ever signed for a payment stays on record.
 */
export class MongoSettlementAttemptStore implements SettlementAttemptStore {
  private readonly attempts: mongo.Collection<AttemptDoc>;
  private readonly digests: mongo.Collection<DigestDoc>;

  constructor(connection: Connection, collection = 'settlement_attempts') {
    this.attempts = connection.collection<AttemptDoc>(collection) as unknown as mongo.Collection<AttemptDoc>;
    this.digests = connection.collection<DigestDoc>(collection) as unknown as mongo.Collection<DigestDoc>;
  }

  async ensureIndexes(): Promise<void> {
    await this.attempts.createIndex({ transactionId: 1, gen: -1 });
  }

  async loadPrepared(transactionId: string): Promise<PreparedSettlement | null> {
    const latest = await this.latest(transactionId);
    return latest && { digest: latest.digest, bytes: latest.bytes, signatures: latest.signatures };
  }

  async savePrepared(transactionId: string, next: PreparedSettlement, replacing: string | null): Promise<PreparedSettlement> {
    const latest = replacing === null ? null : await this.latest(transactionId);
    if (replacing === null || latest?.digest === replacing) {
      const gen = latest ? latest.gen + 1 : 0;
      await this.claimDigest(transactionId, next.digest);
      try {
        await this.attempts.insertOne({ _id: `${transactionId}#${gen}`, transactionId, gen, ...next, savedAt: new Date() });
        return next;
      } catch (error) {
        if (!isDuplicateKeyError(error)) throw error;
      }
    }
    return (await this.loadPrepared(transactionId))!;
  }

  /**
   * Two payments with the same wallet, coin version, amount and merchant build the very same
   * bytes, and the chain answers the second with the first one's effects: it would complete
   * without moving money. Claiming each digest for one payment makes that a refusal instead.
   */
  private async claimDigest(transactionId: string, digest: string): Promise<void> {
    try {
      await this.digests.insertOne({ _id: `digest:${digest}`, transactionId });
    } catch (error) {
      if (!isDuplicateKeyError(error)) throw error;
      const owner = await this.digests.findOne({ _id: `digest:${digest}` });
      if (owner?.transactionId !== transactionId) {
        throw new SettlementError('STALE_OBJECT', `transaction ${digest} already belongs to payment ${owner?.transactionId}: it was built on coins that payment spent`);
      }
    }
  }

  /**
   * Walks the attempts by `_id` (gen 0, 1, …): FerretDB answers any other filter by scanning the
   * whole collection, and a payment almost never has more than one attempt.
   */
  private async latest(transactionId: string): Promise<AttemptDoc | null> {
    let latest: AttemptDoc | null = null;
    for (let gen = 0; ; gen++) {
      const doc = await this.attempts.findOne({ _id: `${transactionId}#${gen}` });
      if (!doc) return latest;
      latest = doc;
    }
  }
}
