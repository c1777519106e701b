import type { Model } from 'mongoose';

/**
 * Group commit of unique inserts. An insert into a quiet collection goes at once; every insert
 * that arrives while the previous one is on its way joins the next `insertMany({ ordered: false })`,
 * so one FerretDB (SQLite) transaction carries the claims, payments and outbox entries of many concurrent requests instead
 * of one each. Each caller still learns its own document's fate: it is acknowledged only once the
 * batch is, and a duplicate key (or any other per-document error) is rejected to that caller
 * alone, with the driver's own error (code 11000), so every unique-insert rule keeps its meaning —
 * two callers claiming the same `_id` in one batch are one winner and one duplicate, as before.
 * Documents are cast, defaulted, timestamped and validated by their schema as `create` does.
 */
export function insertGrouped<T>(model: Model<T>, doc: Record<string, unknown>): Promise<T> {
  let batcher = batchers.get(model);
  if (!batcher) batchers.set(model, (batcher = new InsertBatcher(model)));
  return batcher.insert(doc) as Promise<T>;
}

interface Pending {
  doc: Record<string, unknown>;
  resolve: (doc: unknown) => void;
  reject: (error: unknown) => void;
}

/** Above this a batch waits for the next round: one SQLite transaction stays short. */
const MAX_BATCH = 500;

const batchers = new WeakMap<object, InsertBatcher>();

class InsertBatcher {
  private queue: Pending[] = [];
  private inFlight = false;

  constructor(private readonly model: Model<any>) {}

  async insert(input: Record<string, unknown>): Promise<unknown> {
    const document = new this.model(input);
    // What save() would add: the version key and the timestamps of a schema that keeps them.
    const versionKey = this.model.schema.get('versionKey');
    if (typeof versionKey === 'string') document.set(versionKey, 0);
    (document as { initializeTimestamps?: () => void }).initializeTimestamps?.();
    await document.validate();
    const doc = document.toObject({ depopulate: true, virtuals: false, getters: false, transform: false, flattenMaps: false }) as Record<string, unknown>;
    return new Promise((resolve, reject) => {
      this.queue.push({ doc, resolve, reject });
      void this.flush();
    });
  }

  private async flush(): Promise<void> {
    if (this.inFlight || !this.queue.length) return;
    this.inFlight = true;
    const batch = this.queue.splice(0, MAX_BATCH);
    try {
      await this.write(batch);
    } finally {
      this.inFlight = false;
      if (this.queue.length) void this.flush();
    }
  }

  private async write(batch: Pending[]): Promise<void> {
    const collection = this.model.collection;
    if (batch.length === 1) {
      const [only] = batch;
      await collection.insertOne(only.doc).then(() => only.resolve(only.doc), only.reject);
      return;
    }
    try {
      await collection.insertMany(
        batch.map((p) => p.doc),
        { ordered: false },
      );
      for (const p of batch) p.resolve(p.doc);
    } catch (error) {
      const writeErrors = writeErrorsOf(error);
      // No per-document errors: the whole command failed (or its fate is unknown), as for each alone.
      if (!writeErrors) return batch.forEach((p) => p.reject(error));
      const failed = new Map(writeErrors.map((e) => [e.index, e]));
      batch.forEach((p, i) => {
        const own = failed.get(i);
        if (own) p.reject(Object.assign(new Error(own.errmsg ?? 'insert failed'), { code: own.code, keyPattern: own.keyPattern, keyValue: own.keyValue }));
        else p.resolve(p.doc);
      });
    }
  }
}

interface WriteError {
  index: number;
  code?: number;
  errmsg?: string;
  keyPattern?: unknown;
  keyValue?: unknown;
}

/** The driver's MongoBulkWriteError lists each failed document by its index in the batch. */
export function writeErrorsOf(error: unknown): WriteError[] | undefined {
  const raw = (error as { writeErrors?: unknown } | null)?.writeErrors;
  if (!raw) return undefined;
  const list = (Array.isArray(raw) ? raw : [raw]) as Array<WriteError & { err?: WriteError }>;
  return list.map((e) => ({ index: e.index ?? e.err?.index ?? -1, code: e.code ?? e.err?.code, errmsg: e.errmsg ?? e.err?.errmsg, keyPattern: e.err?.keyPattern, keyValue: e.err?.keyValue }));
}
