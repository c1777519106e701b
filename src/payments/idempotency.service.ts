import { ConflictException, Inject, Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { createHash } from 'node:crypto';
import { Model } from 'mongoose';
import { CLOCK, type Clock } from '../common/time/clock';
import { paymentsConfig, type PaymentsConfig } from '../config/app.config';
import { IdempotencyKey } from './schemas/idempotency-key.schema';
import { isDuplicateKeyError } from '../common/database/duplicate-key';
import { insertGrouped } from '../common/database/group-commit';

export interface StoredAnswer {
  status: 202 | 400;
  body: Record<string, unknown>;
}

/**
 * `proceed`: run the request as `transactionId`. `resumed` means an earlier request with this key
 * died part-way under that same id, so some of its steps may already have happened.
 */
export type IdempotencyStart =
  | { kind: 'proceed'; id: string; transactionId: string; resumed: boolean }
  | { kind: 'replay'; answer: StoredAnswer };

/** How long a request may hold a key before another request with it may take over. */
const LOCK_MS = 30_000;
const WAIT_FOR_CONCURRENT_MS = 5_000;
const POLL_MS = 25;

/**
 * `Idempotency-Key` as Stripe does it: the first request with a key runs; a later one from the
 * same caller with the same body gets the first answer again; with another body, 409. A second
 * request arriving while the first still runs waits for its answer.
 */
@Injectable()
export class IdempotencyService {
  private readonly ttlMs: number;

  constructor(
    @InjectModel(IdempotencyKey.name) private readonly keys: Model<IdempotencyKey>,
    @Inject(paymentsConfig.KEY) config: PaymentsConfig,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {
    this.ttlMs = config.idempotencyTtlHours * 3_600_000;
  }

  async begin(caller: string, key: string, request: unknown, transactionId: string): Promise<IdempotencyStart> {
    const id = sha256(`${caller}\n${key}`);
    const requestHash = sha256(canonicalJson(request));
    const deadline = this.clock.now().getTime() + WAIT_FOR_CONCURRENT_MS;
    for (;;) {
      if (await this.tryClaim(id, requestHash, transactionId)) return { kind: 'proceed', id, transactionId, resumed: false };
      const existing = await this.keys.findById(id).lean().exec();
      if (!existing) continue;
      if (existing.requestHash !== requestHash) {
        throw new ConflictException('This Idempotency-Key was already used with a different request body');
      }
      if (existing.state === 'completed') return { kind: 'replay', answer: { status: existing.responseStatus as StoredAnswer['status'], body: existing.responseBody! } };
      if (await this.tryTakeOver(id, requestHash)) return { kind: 'proceed', id, transactionId: existing.transactionId, resumed: true };
      if (this.clock.now().getTime() > deadline) throw new ConflictException('A request with this Idempotency-Key is still in progress; retry shortly');
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    }
  }

  /** The payment id a request with this key runs (or ran) as; null if none began. */
  async transactionIdOf(caller: string, key: string): Promise<string | null> {
    return (await this.keys.findById(sha256(`${caller}\n${key}`)).lean().exec())?.transactionId ?? null;
  }

  async complete(id: string, answer: StoredAnswer): Promise<void> {
    await this.keys
      .updateOne({ _id: id }, { $set: { state: 'completed', responseStatus: answer.status, responseBody: answer.body }, $unset: { lockedUntil: 1 } })
      .exec();
  }

  /**
   * The request failed unexpectedly: let a retry take over at once. The key keeps its
   * transactionId, so whatever the failed request already did is found, not done twice.
   */
  async release(id: string): Promise<void> {
    await this.keys.updateOne({ _id: id, state: 'in_progress' }, { $set: { lockedUntil: new Date(0) } }).exec();
  }

  async removeExpired(): Promise<number> {
    const { deletedCount } = await this.keys.deleteMany({ expiresAt: { $lt: this.clock.now() } }).exec();
    return deletedCount;
  }

  private async tryClaim(id: string, requestHash: string, transactionId: string): Promise<boolean> {
    const now = this.clock.now();
    try {
      await insertGrouped(this.keys, { _id: id, requestHash, transactionId, state: 'in_progress', lockedUntil: new Date(now.getTime() + LOCK_MS), createdAt: now, expiresAt: new Date(now.getTime() + this.ttlMs) });
      return true;
    } catch (error) {
      if (isDuplicateKeyError(error)) return false;
      throw error;
    }
  }

  /**
   * Not exclusive on FerretDB (its conditional updates are read-then-write), and need not be: the
   * key's transactionId is fixed, so two requests that both take over are the same payment, and
   * every step they take is idempotent for it.
   */
  private async tryTakeOver(id: string, requestHash: string): Promise<boolean> {
    const now = this.clock.now();
    const taken = await this.keys
      .updateOne({ _id: id, requestHash, state: 'in_progress', lockedUntil: { $lt: now } }, { $set: { lockedUntil: new Date(now.getTime() + LOCK_MS) } })
      .exec();
    return taken.modifiedCount === 1;
  }
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/** JSON with sorted keys, so `{a,b}` and `{b,a}` are the same request. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    return `{${Object.keys(value)
      .sort()
      .map((key) => `${JSON.stringify(key)}:${canonicalJson((value as Record<string, unknown>)[key])}`)
      .join(',')}}`;
  }
  return JSON.stringify(value);
}
