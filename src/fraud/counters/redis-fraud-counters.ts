import { Inject, Injectable, OnModuleInit } from '@nestjs/common';
import type Redis from 'ioredis';
import { withTimeout } from '../../common/time/with-timeout';
import { REDIS_CLIENT } from '../../redis/redis.constants';
import type { FraudRulesConfig } from '../fraud-rules.config';
import type { FraudFeatures } from '../fraud.types';
import { COUNTER_LIMITS as L, fraudKeys as K } from './fraud-keys';

export interface CounterSubject {
  cardUuid: string;
  amount: number;
  merchantId: string;
  terminalId: string;
  caller?: string;
  accountable?: { card: boolean; terminal: boolean };
}

/** What one outcome is counted against (see AssessmentInput.accountable). */
export function countedAgainst(subject: CounterSubject): { card: boolean; terminal: boolean; caller: string | undefined } {
  const accountable = subject.accountable ?? { card: true, terminal: true };
  // A caller tapping at the terminal it names is that terminal: the terminal's counter is its own.
  return { ...accountable, caller: accountable.terminal ? undefined : subject.caller };
}

/** The caller-declines key read for a subject; a caller without one reads an empty key. */
const callerKey = (subject: CounterSubject) => K.callerDeclines(countedAgainst(subject).caller ?? '-');

export interface CounterSnapshot {
  features: FraudFeatures;
  /** The rule-set version published in Redis, or null when none is. */
  rulesVersion: number | null;
}

export class RedisUnavailableError extends Error {}

/**
 * Reads every counter of one assessment in a single round trip (one Lua script: counters, list
 * memberships, rule-set version); records an outcome likewise. The client's key prefix applies to
 * the scripts' KEYS.
 */
@Injectable()
export class RedisFraudCounters implements OnModuleInit {
  private readonly scripts: FraudScripts;

  constructor(@Inject(REDIS_CLIENT) private readonly redis: Redis) {
    redis.defineCommand('fraudRead', { numberOfKeys: 11, lua: READ_SCRIPT });
    redis.defineCommand('fraudRecordApproved', { numberOfKeys: 4, lua: RECORD_APPROVED_SCRIPT });
    redis.defineCommand('fraudRecordDeclined', { numberOfKeys: 3, lua: RECORD_DECLINED_SCRIPT });
    this.scripts = redis as unknown as FraudScripts;
  }

  /**
   * Loads the scripts into Redis at start-up: otherwise the first assessment pays for a NOSCRIPT
   * round trip and the script's compilation, and can miss its time box and come out degraded.
   */
  async onModuleInit(): Promise<void> {
    await Promise.all([READ_SCRIPT, RECORD_APPROVED_SCRIPT, RECORD_DECLINED_SCRIPT].map((lua) => this.redis.script('LOAD', lua))).catch(() => undefined);
  }

  /** False when the client is known to be disconnected, so callers need not wait for a timeout. */
  get available(): boolean {
    return !['reconnecting', 'end', 'close'].includes(this.redis.status);
  }

  async read(subject: CounterSubject, at: number, config: FraudRulesConfig, timeoutMs: number): Promise<CounterSnapshot> {
    if (!this.available) throw new RedisUnavailableError(`redis is ${this.redis.status}`);
    const { hopping, cardTesting, amountAnomaly } = config.rules;
    const card = subject.cardUuid;
    const reply = await withRedisTimeout(
      this.scripts.fraudRead(
        K.cardPayments(card),
        K.cardAmounts(card),
        K.cardTerminals(card),
        K.cardMerchants(card),
        K.cardDeclines(card),
        K.terminalDeclinedCards(subject.terminalId),
        K.list('card'),
        K.list('terminal'),
        K.list('merchant'),
        K.rulesVersion,
        callerKey(subject),
        at,
        `(${at - 60_000}`,
        `(${at - L.hourMs}`,
        Math.min(amountAnomaly.historySize, L.amountsKept),
        `(${at - hopping.windowSeconds * 1000}`,
        `(${at - cardTesting.windowSeconds * 1000}`,
        L.hoppingReadLimit,
        card,
        subject.terminalId,
        subject.merchantId,
      ),
      timeoutMs,
    );
    const [minute, hour, amounts, terminals, merchants, terminalScore, declines, declinedCards, listedCard, listedTerminal, listedMerchant, version, callerDeclines, latest] =
      reply as ReadReply;
    return {
      features: {
        cardApprovedLastMinute: minute,
        cardApprovedLastHour: hour,
        recentAmounts: amounts.map(Number),
        recentTerminals: terminals,
        recentMerchants: merchants,
        terminalSeenBefore: terminalScore !== null,
        lastApprovedAt: latest.length ? Number(latest[1]) : null,
        cardDeclines: declines,
        terminalDeclinedCards: declinedCards,
        callerDeclines,
        listed: { card: listedCard === 1, terminal: listedTerminal === 1, merchant: listedMerchant === 1 },
      },
      rulesVersion: version === null ? null : Number(version),
    };
  }

  /**
   * Counts an approved payment into velocity/amount/terminal history, a declined one into card
   * testing: against the card and the terminal only when the caller answers for them, else
   * against the caller.
   */
  async record(subject: CounterSubject, at: number, approved: boolean, id: string, timeoutMs: number): Promise<void> {
    if (!this.available) throw new RedisUnavailableError(`redis is ${this.redis.status}`);
    const card = subject.cardUuid;
    const against = countedAgainst(subject);
    if (approved && !against.card) return;
    const write = approved
      ? this.scripts.fraudRecordApproved(
          K.cardPayments(card),
          K.cardAmounts(card),
          K.cardTerminals(card),
          K.cardMerchants(card),
          at,
          `${at}:${id}`,
          subject.amount,
          subject.terminalId,
          subject.merchantId,
          `(${at - L.hourMs}`,
          `(${at - L.dayMs}`,
          L.paymentsKept,
          L.amountsKept,
          L.terminalsKept,
          L.merchantsKept,
          L.hourMs,
          L.amountHistoryMs,
          L.terminalHistoryMs,
          L.dayMs,
        )
      : this.scripts.fraudRecordDeclined(
          K.cardDeclines(card),
          K.terminalDeclinedCards(subject.terminalId),
          callerKey(subject),
          at,
          `${at}:${id}`,
          card,
          `(${at - L.dayMs}`,
          L.declinesKept,
          L.declinedCardsKept,
          L.dayMs,
          against.card ? 1 : 0,
          against.terminal ? 1 : 0,
          against.caller ? 1 : 0,
        );
    await withRedisTimeout(write, timeoutMs);
  }
}

type ReadReply = [number, number, string[], string[], string[], string | null, number, number, number, number, number, string | null, number, [string, string] | []];

type ScriptArg = string | number;
interface FraudScripts {
  fraudRead(...args: ScriptArg[]): Promise<unknown>;
  fraudRecordApproved(...args: ScriptArg[]): Promise<unknown>;
  fraudRecordDeclined(...args: ScriptArg[]): Promise<unknown>;
}

/**
 * Every read of one assessment as one script (one round trip, one reply): fewer commands to build
 * and parse on the hot path than a pipeline of twelve. ZCOUNT/ZRANGEBYSCORE windows are (min, at].
 * The card's terminals keep the last time at each, so their highest score at or before `at` is the
 * card's last approved tap.
 */
const READ_SCRIPT = `
local at = ARGV[1]
return {
  redis.call('ZCOUNT', KEYS[1], ARGV[2], at),
  redis.call('ZCOUNT', KEYS[1], ARGV[3], at),
  redis.call('LRANGE', KEYS[2], 0, tonumber(ARGV[4]) - 1),
  redis.call('ZRANGEBYSCORE', KEYS[3], ARGV[5], at, 'LIMIT', 0, tonumber(ARGV[7])),
  redis.call('ZRANGEBYSCORE', KEYS[4], ARGV[5], at, 'LIMIT', 0, tonumber(ARGV[7])),
  redis.call('ZSCORE', KEYS[3], ARGV[9]),
  redis.call('ZCOUNT', KEYS[5], ARGV[6], at),
  redis.call('ZCOUNT', KEYS[6], ARGV[6], at),
  redis.call('SISMEMBER', KEYS[7], ARGV[8]),
  redis.call('SISMEMBER', KEYS[8], ARGV[9]),
  redis.call('SISMEMBER', KEYS[9], ARGV[10]),
  redis.call('GET', KEYS[10]),
  redis.call('ZCOUNT', KEYS[11], ARGV[6], at),
  redis.call('ZREVRANGEBYSCORE', KEYS[3], at, '-inf', 'WITHSCORES', 'LIMIT', 0, 1)
}`;

/** Approved: payments (1 h), amounts (latest 50), terminals (90 days, GT keeps the latest time), merchants (24 h). */
const RECORD_APPROVED_SCRIPT = `
local at = tonumber(ARGV[1])
redis.call('ZADD', KEYS[1], at, ARGV[2])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', ARGV[6])
redis.call('ZREMRANGEBYRANK', KEYS[1], 0, -(tonumber(ARGV[8]) + 1))
redis.call('PEXPIRE', KEYS[1], ARGV[12])
redis.call('LPUSH', KEYS[2], ARGV[3])
redis.call('LTRIM', KEYS[2], 0, tonumber(ARGV[9]) - 1)
redis.call('PEXPIRE', KEYS[2], ARGV[13])
redis.call('ZADD', KEYS[3], 'GT', at, ARGV[4])
redis.call('ZREMRANGEBYRANK', KEYS[3], 0, -(tonumber(ARGV[10]) + 1))
redis.call('PEXPIRE', KEYS[3], ARGV[14])
redis.call('ZADD', KEYS[4], 'GT', at, ARGV[5])
redis.call('ZREMRANGEBYSCORE', KEYS[4], '-inf', ARGV[7])
redis.call('ZREMRANGEBYRANK', KEYS[4], 0, -(tonumber(ARGV[11]) + 1))
redis.call('PEXPIRE', KEYS[4], ARGV[15])
return 1`;

/** Declined: the card's declines, the terminal's declined cards, the caller's declines (24 h each), each when flagged. */
const RECORD_DECLINED_SCRIPT = `
local at = tonumber(ARGV[1])
if ARGV[8] == '1' then
  redis.call('ZADD', KEYS[1], at, ARGV[2])
  redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', ARGV[4])
  redis.call('ZREMRANGEBYRANK', KEYS[1], 0, -(tonumber(ARGV[5]) + 1))
  redis.call('PEXPIRE', KEYS[1], ARGV[7])
end
if ARGV[9] == '1' then
  redis.call('ZADD', KEYS[2], 'GT', at, ARGV[3])
  redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', ARGV[4])
  redis.call('ZREMRANGEBYRANK', KEYS[2], 0, -(tonumber(ARGV[6]) + 1))
  redis.call('PEXPIRE', KEYS[2], ARGV[7])
end
if ARGV[10] == '1' then
  redis.call('ZADD', KEYS[3], at, ARGV[2])
  redis.call('ZREMRANGEBYSCORE', KEYS[3], '-inf', ARGV[4])
  redis.call('ZREMRANGEBYRANK', KEYS[3], 0, -(tonumber(ARGV[5]) + 1))
  redis.call('PEXPIRE', KEYS[3], ARGV[7])
end
return 1`;

export function withRedisTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  return withTimeout(promise, ms, () => new RedisUnavailableError(`no answer from redis within ${ms} ms`));
}
