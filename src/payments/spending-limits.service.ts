import { Inject, Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import type Redis from 'ioredis';
import { Model } from 'mongoose';
import type { EnforcedLimit, SpendingInterval } from '../cards/card-controls';
import { CLOCK, type Clock } from '../common/time/clock';
import { paymentsConfig, type PaymentsConfig } from '../config/app.config';
import { REDIS_CLIENT } from '../redis/redis.constants';
import { SpendEntry } from './schemas/spend-entry.schema';
import { SpendWindowEntry } from './schemas/spend-window-entry.schema';
import { isDuplicateKeyError } from '../common/database/duplicate-key';
import { insertGrouped } from '../common/database/group-commit';

export interface Reservation {
  day: string;
  amount: number;
  /** The control chains (`<scope>|<window>`) the payment also reserved in. */
  windows?: string[];
}

/** Reserved, or the first limit that would be passed (`legacy`: the card's dailyLimit). */
export type ReserveOutcome = { reservation: Reservation } | { exceeded: { interval: SpendingInterval; legacy: boolean } };

interface Head {
  seq: number;
  total: number;
  count: number;
}

/** One chain: where its links are and what identifies them. */
interface Chain {
  model: Model<SpendEntry> | Model<SpendWindowEntry>;
  /** `_id` prefix and Redis hint suffix. */
  key: string;
  fields: Record<string, unknown>;
  /** The fields under which a payment has at most one reserve and one release in this chain. */
  owner: Record<string, unknown>;
  expiresAt?: Date;
}

const DAY_MS = 24 * 3_600_000;
const RETENTION_MS = 3 * DAY_MS;
const HINT_TTL_SECONDS = 2 * 24 * 3_600;
/** How long a window's links are kept after the window began: past its end, so no live chain loses its start. */
const WINDOW_RETENTION_MS: Record<Exclude<SpendingInterval, 'per_authorization'>, number | undefined> = { daily: 3 * DAY_MS, weekly: 9 * DAY_MS, monthly: 33 * DAY_MS, all_time: undefined };

/**
 * The spend of each card, reserved when a payment is accepted and given back when it fails or is
 * cancelled, as append-only chains of unique inserts (see SpendEntry): one per card and day for the
 * card's dailyLimit, and one per card, control scope (interval and categories) and window for the
 * other controls, each link carrying the running amount and count. Redis keeps a hint of each
 * chain's head so a tap usually costs one read and one insert per chain; without Redis the chain is
 * walked from its start, which is slower but just as correct.
 */
@Injectable()
export class SpendingLimitsService {
  private readonly dayFormat: Intl.DateTimeFormat;

  constructor(
    @InjectModel(SpendEntry.name) private readonly entries: Model<SpendEntry>,
    @InjectModel(SpendWindowEntry.name) private readonly windowEntries: Model<SpendWindowEntry>,
    @Inject(REDIS_CLIENT) private readonly redis: Redis,
    @Inject(paymentsConfig.KEY) config: PaymentsConfig,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {
    // en-CA formats as YYYY-MM-DD.
    this.dayFormat = new Intl.DateTimeFormat('en-CA', { timeZone: config.limitsTimeZone, year: 'numeric', month: '2-digit', day: '2-digit' });
  }

  /**
   * Reserves `amount` of today's spend against `dailyLimit`, then of each window of `limits`; when
   * one would be passed, gives back what it reserved and says which. Reserving again for the same
   * payment (a retry after a crash) changes nothing. `at` is the tap's time when not now (offline).
   */
  async reserve(cardUuid: string, transactionId: string, amount: number, dailyLimit: number, limits: EnforcedLimit[] = [], at?: Date): Promise<ReserveOutcome> {
    // A tap taken offline counts on the day it was captured.
    const now = at ?? this.clock.now();
    const day = this.dayFormat.format(now);
    if (!(await this.append(this.dailyChain(cardUuid, day, transactionId), transactionId, 'reserve', amount, (head) => head.total + amount <= dailyLimit))) {
      return { exceeded: { interval: 'daily', legacy: true } };
    }
    const reservation: Reservation = { day, amount, windows: [] };
    for (const limit of limits.filter((l) => l.interval !== 'per_authorization')) {
      const chain = `${limit.scope}|${windowStart(limit.interval, day)}`;
      const fits = (head: Head) => (limit.amount === undefined || head.total + amount <= limit.amount) && (limit.count === undefined || head.count + 1 <= limit.count);
      if (!(await this.append(this.windowChain(cardUuid, chain, transactionId, limit.interval, now), transactionId, 'reserve', amount, fits))) {
        await this.release(cardUuid, transactionId, reservation);
        return { exceeded: { interval: limit.interval, legacy: false } };
      }
      reservation.windows!.push(chain);
    }
    return { reservation };
  }

  /** Gives a payment's reservation back, once however often it is called. */
  async release(cardUuid: string, transactionId: string, reservation: Reservation): Promise<void> {
    await this.append(this.dailyChain(cardUuid, reservation.day, transactionId), transactionId, 'release', -reservation.amount, () => true);
    for (const chain of reservation.windows ?? []) {
      await this.append(this.windowChain(cardUuid, chain, transactionId), transactionId, 'release', -reservation.amount, () => true);
    }
  }

  /**
   * Gives back whatever a payment that was never written reserved, if anything. Finds the
   * reservation by payment (a scan on FerretDB): only for the rare entry a crash left behind.
   */
  async releaseUnrecorded(cardUuid: string, transactionId: string): Promise<void> {
    const reserved = await this.entries.findOne({ transactionId, kind: 'reserve' }).lean().exec();
    if (reserved) await this.append(this.dailyChain(cardUuid, reserved.day, transactionId), transactionId, 'release', -reserved.delta, () => true);
    for (const entry of await this.windowEntries.find({ transactionId, kind: 'reserve' }).lean().exec()) {
      await this.append(this.windowChain(cardUuid, entry.chain, transactionId), transactionId, 'release', -entry.delta, () => true);
    }
  }

  async reservedToday(cardUuid: string): Promise<number> {
    const day = this.dayFormat.format(this.clock.now());
    return (await this.head(this.dailyChain(cardUuid, day, ''))).total;
  }

  async removeOld(): Promise<void> {
    const now = this.clock.now();
    await this.entries.deleteMany({ createdAt: { $lt: new Date(now.getTime() - RETENTION_MS) } }).exec();
    await this.windowEntries.deleteMany({ expiresAt: { $lt: now } }).exec();
  }

  private dailyChain(cardUuid: string, day: string, transactionId: string): Chain {
    return { model: this.entries, key: `${cardUuid}|${day}`, fields: { cardUuid, day }, owner: { transactionId } };
  }

  private windowChain(cardUuid: string, chain: string, transactionId: string, interval?: SpendingInterval, now?: Date): Chain {
    const keepMs = interval && interval !== 'per_authorization' ? WINDOW_RETENTION_MS[interval] : undefined;
    return {
      model: this.windowEntries,
      key: `${cardUuid}|${chain}`,
      fields: { cardUuid, chain },
      owner: { chain, cardUuid, transactionId },
      ...(keepMs && now && { expiresAt: new Date(now.getTime() + keepMs) }),
    };
  }

  /** Appends a link if `allowed(head)` holds at the true head; false when it does not. */
  private async append(chain: Chain, transactionId: string, kind: 'reserve' | 'release', delta: number, allowed: (head: Head) => boolean): Promise<boolean> {
    const model = chain.model as Model<SpendWindowEntry>;
    let head = await this.hintedHead(chain);
    for (;;) {
      head = await this.walk(chain, head);
      // A payment reserving again (a concurrent forward of the same offline tap) may find its own entry filling the limit.
      if (!allowed(head)) return (await model.exists({ ...chain.owner, kind }).exec()) !== null;
      const next = { seq: head.seq + 1, total: head.total + delta, count: head.count + Math.sign(delta) };
      try {
        await insertGrouped(model, { _id: `${chain.key}|${next.seq}`, ...chain.fields, ...next, delta, transactionId, kind, createdAt: this.clock.now(), ...(chain.expiresAt && { expiresAt: chain.expiresAt }) });
        this.redis.set(`spend-head:${chain.key}`, String(next.seq), 'EX', HINT_TTL_SECONDS).catch(() => undefined);
        return true;
      } catch (error) {
        if (!isDuplicateKeyError(error)) throw error;
        // Either another tap took this link (walk on and decide again), or this payment already has its entry.
        if (await model.exists({ ...chain.owner, kind }).exec()) return true;
      }
    }
  }

  private async head(chain: Chain): Promise<Head> {
    return this.walk(chain, await this.hintedHead(chain));
  }

  /** Follows the chain from `from` to its last link. */
  private async walk(chain: Chain, from: Head): Promise<Head> {
    let head = from;
    for (;;) {
      const next = await this.link(chain, head.seq + 1);
      if (!next) return head;
      head = next;
    }
  }

  private async hintedHead(chain: Chain): Promise<Head> {
    const hint = Number(await this.redis.get(`spend-head:${chain.key}`).catch(() => null));
    if (!hint) return { seq: 0, total: 0, count: 0 };
    return (await this.link(chain, hint)) ?? { seq: 0, total: 0, count: 0 };
  }

  private async link(chain: Chain, seq: number): Promise<Head | null> {
    const entry = await (chain.model as Model<SpendWindowEntry>).findById(`${chain.key}|${seq}`).lean().exec();
    // Daily links carry no count: that chain has no count limit.
    return entry && { seq: entry.seq, total: entry.total, count: entry.count ?? 0 };
  }
}

/** A window's name: its first day (`day` is YYYY-MM-DD in LIMITS_TIMEZONE; weeks start on Monday, months on the 1st). */
export function windowStart(interval: SpendingInterval, day: string): string {
  if (interval === 'all_time') return 'all';
  if (interval === 'monthly') return day.slice(0, 7);
  if (interval === 'weekly') {
    const [y, m, d] = day.split('-').map(Number);
    const date = new Date(Date.UTC(y, m - 1, d));
    date.setUTCDate(d - ((date.getUTCDay() + 6) % 7));
    return date.toISOString().slice(0, 10);
  }
  return day;
}
