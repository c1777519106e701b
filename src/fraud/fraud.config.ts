import { ConfigType, registerAs } from '@nestjs/config';

export const REDIS_DOWN_MODES = ['allow_small', 'block_all', 'allow_all'] as const;
export type RedisDownMode = (typeof REDIS_DOWN_MODES)[number];

/**
 * Fraud settings read from the environment (the tunable rule set lives in MongoDB instead):
 *
 * - FRAUD_REDIS_DOWN_MODE (allow_small): what assess answers when its counters cannot be read:
 *   `allow_small` lets amounts under FRAUD_DEGRADED_MAX_AMOUNT through flagged `fraud_degraded` and
 *   blocks larger ones with `fraud_unavailable`; `block_all` blocks every payment with
 *   `fraud_unavailable`; `allow_all` lets every payment through flagged `fraud_degraded`.
 * - FRAUD_DEGRADED_MAX_AMOUNT (200000): amounts strictly below this pass in `allow_small` mode.
 * - FRAUD_REDIS_TIMEOUT_MS (50): the most one assessment waits for Redis before degrading.
 * - FRAUD_ASSESSMENT_RETENTION_DAYS (90): stored assessments older than this are deleted.
 * - FRAUD_BACKTEST_MAX_DAYS (90) and FRAUD_BACKTEST_MAX_PAYMENTS (200000): backtest bounds.
 * - FRAUD_LIST_RESYNC_SECONDS (60): how often the Redis mirror of the lists is rebuilt from MongoDB.
 */
export const fraudConfig = registerAs('fraud', () => readFraudConfig(process.env));

export function readFraudConfig(env: Record<string, string | undefined>) {
  return {
    redisDownMode: oneOf('FRAUD_REDIS_DOWN_MODE', env.FRAUD_REDIS_DOWN_MODE, REDIS_DOWN_MODES, 'allow_small'),
    degradedMaxAmount: integer('FRAUD_DEGRADED_MAX_AMOUNT', env.FRAUD_DEGRADED_MAX_AMOUNT, 200_000, 0),
    redisTimeoutMs: integer('FRAUD_REDIS_TIMEOUT_MS', env.FRAUD_REDIS_TIMEOUT_MS, 50, 1, 10_000),
    assessmentRetentionDays: integer('FRAUD_ASSESSMENT_RETENTION_DAYS', env.FRAUD_ASSESSMENT_RETENTION_DAYS, 90, 1, 3650),
    backtestMaxDays: integer('FRAUD_BACKTEST_MAX_DAYS', env.FRAUD_BACKTEST_MAX_DAYS, 90, 1, 3650),
    backtestMaxPayments: integer('FRAUD_BACKTEST_MAX_PAYMENTS', env.FRAUD_BACKTEST_MAX_PAYMENTS, 200_000, 1),
    listResyncSeconds: integer('FRAUD_LIST_RESYNC_SECONDS', env.FRAUD_LIST_RESYNC_SECONDS, 60, 1, 86_400),
  };
}

export type FraudConfig = ConfigType<typeof fraudConfig>;

function integer(name: string, raw: string | undefined, fallback: number, min: number, max = Number.MAX_SAFE_INTEGER): number {
  if (raw === undefined || raw === '') return fallback;
  if (!/^\d+$/.test(raw.trim())) throw new Error(`Invalid configuration: ${name}: must be a whole number`);
  const value = Number(raw.trim());
  if (value < min || value > max) throw new Error(`Invalid configuration: ${name}: must be between ${min} and ${max}`);
  return value;
}

function oneOf<T extends string>(name: string, raw: string | undefined, allowed: readonly T[], fallback: T): T {
  if (raw === undefined || raw === '') return fallback;
  if (!allowed.includes(raw as T)) throw new Error(`Invalid configuration: ${name}: must be one of ${allowed.join(', ')}`);
  return raw as T;
}
