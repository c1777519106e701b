import type { Connection, mongo } from 'mongoose';
import type { PreparedSettlement, SettlementAttemptStore } from './settlement.types';
import { isDuplicateKeyError } from '../../common/database/duplicate-key';
import { DigestTakenError, SettlementError } from './settlement.error';

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
      if (await this.insertClaimed(transactionId, { _id: `${transactionId}#${gen}`, transactionId, gen, ...next, savedAt: new Date() })) return next;
    }
    return (await this.loadPrepared(transactionId))!;
  }

  /**
   * Two payments with the same wallet, coin version, amount and merchant build the very same
   * bytes, and the chain answers the second with the first one's effects: it would complete
   * without moving money. So each digest is claimed for one payment, then the attempt stored: one
   * ordered insert of both, which stops at the claim if the digest is another payment's. False if
   * another attempt took this generation first.
   */
  private async insertClaimed(transactionId: string, attempt: AttemptDoc): Promise<boolean> {
    const claim: DigestDoc = { _id: `digest:${attempt.digest}`, transactionId };
    try {
      await this.attempts.insertMany([claim as unknown as AttemptDoc, attempt], { ordered: true });
      return true;
    } catch (error) {
      const failedAt = (error as { writeErrors?: { index: number }[] }).writeErrors?.[0]?.index;
      if (!isDuplicateKeyError(error) || failedAt === undefined) throw error;
      if (failedAt === 1) return false;
    }
    await this.checkDigestOwner(transactionId, attempt.digest);
    try {
      await this.attempts.insertOne(attempt);
      return true;
    } catch (error) {
      if (!isDuplicateKeyError(error)) throw error;
      return false;
    }
  }

  /** A digest claimed by another payment means bytes built on coins that payment spent or is about to spend. */
  private async checkDigestOwner(transactionId: string, digest: string): Promise<void> {
    const owner = await this.digests.findOne({ _id: `digest:${digest}` });
    if (!owner) throw new SettlementError('UNKNOWN', `the claim on transaction ${digest} is gone`);
    if (owner.transactionId !== transactionId) throw new DigestTakenError(digest, owner.transactionId);
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
