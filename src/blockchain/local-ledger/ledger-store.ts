import type { Connection, mongo } from 'mongoose';
import { CoinState, TransactionRecord } from './ledger-records';
import { isDuplicateKeyError } from '../../common/database/duplicate-key';

/** One version of one object. Versions are never rewritten: a newer one is inserted and the old one retired. */
interface ObjectVersionDoc {
  _id: string;
  objectId: string;
  version: number;
  digest: string;
  owner: string | null;
  balance: string;
  previousTransaction: string | null;
  live: boolean;
  deleted?: true;
}

/** Entry `seq` of a sender's transaction log; `_id` = `${sender}:${seq}`, so each position is won by exactly one insert. */
interface CommitDoc {
  _id: string;
  sender: string;
  seq: number;
  digest: string;
  record: TransactionRecord;
  done: boolean;
}

type TransactionDoc = Omit<TransactionRecord, 'digest'> & { _id: string };

/** Where a sender's log ended when last looked: a hint only, the log itself is the truth. */
interface HeadDoc {
  _id: string;
  seq: number;
}

/**
 * Sui's owned-object lock: `_id` = `${objectId}@${version}`, taken by the first transaction to
 * spend that version. Sponsored gas makes one coin spendable from many senders' logs, so the
 * per-sender log alone cannot keep two transactions from spending it.
 */
interface ObjectLockDoc {
  _id: string;
  digest: string;
  sender: string;
}

export interface ObjectLockHolder {
  objectId: string;
  version: number;
  digest: string;
  sender: string;
}

export interface Commit {
  seq: number;
  done: boolean;
  record: TransactionRecord;
}

export type StoredObject = Omit<ObjectVersionDoc, '_id' | 'live'> | 'deleted';

const versionId = (objectId: string, version: number) => `${objectId}@${version}`;
const lockDoc = (ref: { objectId: string; version: number }, digest: string, sender: string): ObjectLockDoc => ({
  _id: `lock:${versionId(ref.objectId, ref.version)}`,
  digest,
  sender,
});

/**
 * MongoDB persistence of the local ledger, written so that the only operation relied on for
 * mutual exclusion is inserting a unique `_id`. FerretDB v1 (our test server) runs conditional
 * updates as read-then-write, so two concurrent `updateOne({seq: n}, …)` can both succeed; an
 * insert of an existing `_id` never does. Everything else written is idempotent or monotone
 * (a version retired stays retired, a commit done stays done), so repeating it is harmless.
 */
export class LedgerStore {
  private readonly objects: mongo.Collection<ObjectVersionDoc>;
  private readonly commits: mongo.Collection<CommitDoc>;
  private readonly transactions: mongo.Collection<TransactionDoc>;
  private readonly heads: mongo.Collection<HeadDoc>;
  private readonly locks: mongo.Collection<ObjectLockDoc>;
  /** The last entry this process saw of each sender's log, so the usual lookup is one probe. */
  private readonly lastSeen = new Map<string, CommitDoc>();

  constructor(connection: Connection, prefix = 'ledger_') {
    this.objects = connection.collection<ObjectVersionDoc>(`${prefix}objects`) as unknown as mongo.Collection<ObjectVersionDoc>;
    this.commits = connection.collection<CommitDoc>(`${prefix}commits`) as unknown as mongo.Collection<CommitDoc>;
    this.transactions = connection.collection<TransactionDoc>(`${prefix}transactions`) as unknown as mongo.Collection<TransactionDoc>;
    this.heads = connection.collection<HeadDoc>(`${prefix}heads`) as unknown as mongo.Collection<HeadDoc>;
    // Locks share the log's collection so that locks and log position are taken in one insert.
    this.locks = connection.collection<ObjectLockDoc>(`${prefix}commits`) as unknown as mongo.Collection<ObjectLockDoc>;
  }

  async ensureIndexes(): Promise<void> {
    await Promise.all([
      this.objects.createIndex({ objectId: 1, live: 1 }),
      this.objects.createIndex({ owner: 1, live: 1, objectId: 1 }),
      this.commits.createIndex({ sender: 1, seq: -1 }),
    ]);
  }

  async findTransaction(digest: string): Promise<TransactionRecord | null> {
    const doc = await this.transactions.findOne({ _id: digest });
    if (!doc) return null;
    const { _id, ...rest } = doc;
    return { digest: _id, ...rest };
  }

  /**
   * The last entry of the sender's log. Found from the head hint by `_id` lookups only: FerretDB
   * answers any other filter by scanning the whole collection, which grows with every transaction.
   */
  async latestCommit(sender: string): Promise<Commit | null> {
    let latest = this.lastSeen.get(sender) ?? (await this.fromHint(sender));
    let walked = false;
    for (;;) {
      const next = await this.commits.findOne({ _id: `${sender}:${latest ? latest.seq + 1 : 0}` });
      if (!next) break;
      latest = next;
      walked = true;
    }
    if (!latest) return null;
    if (walked) {
      // Concurrent writers may move the hint back a little; walking forward corrects that.
      this.heads.updateOne({ _id: sender }, { $set: { seq: latest.seq } }, { upsert: true }).catch(() => undefined);
    }
    // A cached entry may have been finished by another instance since; its done flag is re-read then.
    if (!latest.done && !walked) latest = (await this.commits.findOne({ _id: latest._id })) ?? latest;
    this.remember(latest);
    return { seq: latest.seq, done: latest.done, record: latest.record };
  }

  private async fromHint(sender: string): Promise<CommitDoc | null> {
    const hint = await this.heads.findOne({ _id: sender });
    return hint ? this.commits.findOne({ _id: `${sender}:${hint.seq}` }) : null;
  }

  private remember(commit: CommitDoc): void {
    if (this.lastSeen.size >= 10_000) this.lastSeen.delete(this.lastSeen.keys().next().value!);
    this.lastSeen.set(commit.sender, commit);
  }

  /** Takes log position `seq` for the record; false if another transaction holds it. */
  async commit(record: TransactionRecord, seq: number): Promise<boolean> {
    try {
      const doc: CommitDoc = { _id: `${record.sender}:${seq}`, sender: record.sender, seq, digest: record.digest, record, done: false };
      await this.commits.insertOne(doc);
      this.remember(doc);
      return true;
    } catch (error) {
      if (isDuplicateKeyError(error)) return false;
      throw error;
    }
  }

  /**
   * The usual commit: the inputs' locks and log position `seq` in one ordered insert, which stops
   * at the first one taken. 'locks-contended' when a lock already exists (maybe this
   * transaction's own, from an attempt that crashed): then `lockObjects` and `commit` sort it out.
   */
  async commitLocked(record: TransactionRecord, seq: number, refs: { objectId: string; version: number }[]): Promise<'committed' | 'position-taken' | 'locks-contended'> {
    const locks = refs.map((ref) => lockDoc(ref, record.digest, record.sender));
    const entry: CommitDoc = { _id: `${record.sender}:${seq}`, sender: record.sender, seq, digest: record.digest, record, done: false };
    try {
      await this.commits.insertMany([...(locks as unknown as CommitDoc[]), entry], { ordered: true });
      this.remember(entry);
      return 'committed';
    } catch (error) {
      const failedAt = (error as { writeErrors?: { index: number }[] }).writeErrors?.[0]?.index;
      if (!isDuplicateKeyError(error) || failedAt === undefined) throw error;
      return failedAt === locks.length ? 'position-taken' : 'locks-contended';
    }
  }

  /**
   * Locks each object version for `digest` (a no-op for versions it already holds); returns the
   * locks another transaction holds.
   */
  async lockObjects(refs: { objectId: string; version: number }[], digest: string, sender: string): Promise<ObjectLockHolder[]> {
    const docs = refs.map((ref) => lockDoc(ref, digest, sender));
    try {
      await this.locks.insertMany(docs, { ordered: false });
      return [];
    } catch (error) {
      if (!isDuplicateKeyError(error) && !(error as { writeErrors?: unknown }).writeErrors) throw error;
    }
    const held = await Promise.all(docs.map((doc) => this.locks.findOne({ _id: doc._id })));
    return refs.flatMap((ref, i) => {
      const lock = held[i];
      if (!lock) throw new Error(`local ledger: lock ${docs[i]._id} is neither taken nor free`);
      return lock.digest === digest ? [] : [{ ...ref, digest: lock.digest, sender: lock.sender }];
    });
  }

  /** Writes a committed transaction's objects and its record; each step is a no-op when already done. */
  async applyWrites(record: TransactionRecord): Promise<void> {
    const previousTransaction = record.digest;
    const retired = [
      ...record.writes.flatMap((w) => (w.fromVersion === null ? [] : [versionId(w.objectId, w.fromVersion)])),
      ...record.deletions.map((d) => versionId(d.objectId, d.fromVersion)),
    ];
    const inserted: ObjectVersionDoc[] = [
      ...record.writes.map((w) => ({
        _id: versionId(w.objectId, w.version),
        objectId: w.objectId,
        version: w.version,
        digest: w.digest,
        owner: w.owner,
        balance: w.balance,
        previousTransaction,
        live: true,
      })),
      ...record.deletions.map((d) => ({
        _id: versionId(d.objectId, d.version),
        objectId: d.objectId,
        version: d.version,
        digest: '',
        owner: null,
        balance: '0',
        previousTransaction,
        live: false,
        deleted: true as const,
      })),
    ];
    const { digest, ...rest } = record;
    await Promise.all([
      this.objects.insertMany(inserted, { ordered: false }).catch(ignoreDuplicates),
      // One update per _id: FerretDB only looks up `_id` equality without scanning the collection.
      ...retired.map((id) => this.objects.updateOne({ _id: id }, { $set: { live: false } })),
      this.transactions.insertOne({ _id: digest, ...rest }).catch(ignoreDuplicate),
    ]);
  }

  /**
   * Records that a commit's writes are all applied. The flag only saves work: an entry left
   * not done is applied again (idempotently) by whoever reads it next, so the write is not waited
   * for, which takes a round trip off every transaction.
   */
  markDone(sender: string, seq: number): void {
    const seen = this.lastSeen.get(sender);
    if (seen?.seq === seq) this.lastSeen.set(sender, { ...seen, done: true });
    this.commits.updateOne({ _id: `${sender}:${seq}` }, { $set: { done: true } }).catch(() => undefined);
  }

  /** The current versions of live coins among `ids`. */
  async readCoins(ids: string[]): Promise<Map<string, CoinState>> {
    return latestById(await this.objects.find({ objectId: { $in: ids }, live: true }).toArray());
  }

  /**
   * The coins a transaction references, when each is live at exactly the referenced version (the
   * common case, read by `_id`); anything else falls back to `readCoins` so the caller can tell
   * stale from missing.
   */
  async readReferencedCoins(refs: { objectId: string; version: number }[]): Promise<Map<string, CoinState>> {
    const docs = await Promise.all(refs.map((ref) => this.objects.findOne({ _id: versionId(ref.objectId, ref.version) })));
    if (docs.every((doc) => doc?.live)) return latestById(docs as ObjectVersionDoc[]);
    return this.readCoins(refs.map((ref) => ref.objectId));
  }

  async readObjects(ids: string[]): Promise<Map<string, StoredObject>> {
    const live = await this.readCoins(ids);
    const result = new Map<string, StoredObject>([...live].map(([id, coin]) => [id, { ...coin, balance: String(coin.balance) }]));
    const missing = ids.filter((id) => !live.has(id));
    if (missing.length) {
      const gone = await this.objects.find({ objectId: { $in: missing } }, { projection: { objectId: 1 } }).toArray();
      for (const doc of gone) result.set(doc.objectId, 'deleted');
    }
    return result;
  }

  async coinsOf(owner: string, limit: number, after: string | null): Promise<CoinState[]> {
    const filter = after ? { owner, live: true, objectId: { $gt: after } } : { owner, live: true };
    const docs = await this.objects.find(filter).sort({ objectId: 1 }).limit(limit).toArray();
    return [...latestById(docs).values()];
  }

  async balanceOf(owner: string): Promise<bigint> {
    const docs = await this.objects.find({ owner, live: true }).toArray();
    return [...latestById(docs).values()].reduce((sum, coin) => sum + coin.balance, 0n);
  }

  async insertCoin(coin: CoinState): Promise<void> {
    await this.objects.insertOne({
      _id: versionId(coin.objectId, coin.version),
      objectId: coin.objectId,
      version: coin.version,
      digest: coin.digest,
      owner: coin.owner,
      balance: String(coin.balance),
      previousTransaction: coin.previousTransaction,
      live: true,
    });
  }
}

function ignoreDuplicate(error: unknown): void {
  if (!isDuplicateKeyError(error)) throw error;
}

/** An unordered insertMany reports every refused document; only duplicates (already written) are fine. */
function ignoreDuplicates(error: unknown): void {
  const writeErrors = (error as { writeErrors?: { code: number }[] }).writeErrors;
  if (!writeErrors?.length || writeErrors.some((e) => e.code !== 11000)) throw error;
}

/** While a transaction is being applied an object can briefly have two live versions; the newer one counts. */
function latestById(docs: ObjectVersionDoc[]): Map<string, CoinState> {
  const coins = new Map<string, CoinState>();
  for (const doc of docs) {
    if ((coins.get(doc.objectId)?.version ?? -1) > doc.version) continue;
    coins.set(doc.objectId, {
      objectId: doc.objectId,
      version: doc.version,
      digest: doc.digest,
      owner: doc.owner!,
      balance: BigInt(doc.balance),
      previousTransaction: doc.previousTransaction,
    });
  }
  return coins;
}
