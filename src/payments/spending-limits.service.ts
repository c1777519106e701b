import { Inject, Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import type Redis from 'ioredis';
import { Model } from 'mongoose';
import { CLOCK, type Clock } from '../common/time/clock';
import { paymentsConfig, type PaymentsConfig } from '../config/app.config';
import { REDIS_CLIENT } from '../redis/redis.constants';
import { SpendEntry } from './schemas/spend-entry.schema';
import { isDuplicateKeyError } from '../common/database/duplicate-key';

export interface Reservation {
  day: string;
  amount: number;
}

interface Head {
  seq: number;
  total: number;
}

const RETENTION_MS = 3 * 24 * 3_600_000;
const HINT_TTL_SECONDS = 2 * 24 * 3_600;

/**
 * The daily spend of each card, reserved when a payment is accepted and given back when it fails
 * or is cancelled, as an append-only chain of unique inserts (see SpendEntry). Redis keeps a hint
 * of each chain's head so a tap usually costs one read and one insert; without Redis the chain is
 * walked from its start, which is slower but just as correct.
 */
@Injectable()
export class SpendingLimitsService {
  private readonly dayFormat: Intl.DateTimeFormat;

  constructor(
    @InjectModel(SpendEntry.name) private readonly entries: Model<SpendEntry>,
    @Inject(REDIS_CLIENT) private readonly redis: Redis,
    @Inject(paymentsConfig.KEY) config: PaymentsConfig,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {
    // en-CA formats as YYYY-MM-DD.
    this.dayFormat = new Intl.DateTimeFormat('en-CA', { timeZone: config.limitsTimeZone, year: 'numeric', month: '2-digit', day: '2-digit' });
  }

  /**
   * Reserves `amount` of today's spend for a payment; null when it would pass `dailyLimit`.
   * Reserving again for the same payment (a retry after a crash) changes nothing.
   */
  async reserve(cardUuid: string, transactionId: string, amount: number, dailyLimit: number): Promise<Reservation | null> {
    const day = this.today();
    const appended = await this.append(cardUuid, day, transactionId, 'reserve', amount, (total) => total + amount <= dailyLimit);
    return appended ? { day, amount } : null;
  }

  /** Gives a payment's reservation back, once however often it is called. */
  async release(cardUuid: string, transactionId: string, reservation: Reservation): Promise<void> {
    await this.append(cardUuid, reservation.day, transactionId, 'release', -reservation.amount, () => true);
  }

  /**
   * Gives back whatever a payment that was never written reserved, if anything. Finds the
   * reservation by payment (a scan on FerretDB): only for the rare entry a crash left behind.
   */
  async releaseUnrecorded(cardUuid: string, transactionId: string): Promise<void> {
    const reserved = await this.entries.findOne({ transactionId, kind: 'reserve' }).lean().exec();
    if (reserved) await this.release(cardUuid, transactionId, { day: reserved.day, amount: reserved.delta });
  }

  async reservedToday(cardUuid: string): Promise<number> {
    return (await this.head(cardUuid, this.today())).total;
  }

  async removeOld(): Promise<void> {
    await this.entries.deleteMany({ createdAt: { $lt: new Date(this.clock.now().getTime() - RETENTION_MS) } }).exec();
  }

  /** Appends a link if `allowed(total)` holds at the true head; false when it does not. */
  private async append(cardUuid: string, day: string, transactionId: string, kind: SpendEntry['kind'], delta: number, allowed: (total: number) => boolean): Promise<boolean> {
    let head = await this.hintedHead(cardUuid, day);
    for (;;) {
      head = await this.walk(cardUuid, day, head);
      if (!allowed(head.total)) return false;
      const next = { seq: head.seq + 1, total: head.total + delta };
      try {
        await this.entries.create({ _id: entryId(cardUuid, day, next.seq), cardUuid, day, ...next, delta, transactionId, kind, createdAt: this.clock.now() });
        this.redis.set(hintKey(cardUuid, day), String(next.seq), 'EX', HINT_TTL_SECONDS).catch(() => undefined);
        return true;
      } catch (error) {
        if (!isDuplicateKeyError(error)) throw error;
        // Either another tap took this link (walk on and decide again), or this payment already has its entry.
        if (await this.entries.exists({ transactionId, kind }).exec()) return true;
      }
    }
  }

  private async head(cardUuid: string, day: string): Promise<Head> {
    return this.walk(cardUuid, day, await this.hintedHead(cardUuid, day));
  }

  /** Follows the chain from `from` to its last link. */
  private async walk(cardUuid: string, day: string, from: Head): Promise<Head> {
    let head = from;
    for (;;) {
      const next = await this.entries.findById(entryId(cardUuid, day, head.seq + 1)).lean().exec();
      if (!next) return head;
      head = { seq: next.seq, total: next.total };
    }
  }

  private async hintedHead(cardUuid: string, day: string): Promise<Head> {
    const hint = Number(await this.redis.get(hintKey(cardUuid, day)).catch(() => null));
    if (!hint) return { seq: 0, total: 0 };
    const entry = await this.entries.findById(entryId(cardUuid, day, hint)).lean().exec();
    return entry ? { seq: entry.seq, total: entry.total } : { seq: 0, total: 0 };
  }

  private today(): string {
    return this.dayFormat.format(this.clock.now());
  }
}

const entryId = (cardUuid: string, day: string, seq: number) => `${cardUuid}|${day}|${seq}`;
const hintKey = (cardUuid: string, day: string) => `spend-head:${cardUuid}|${day}`;
