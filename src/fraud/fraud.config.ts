import type { EnvironmentVariables } from '../config/env.validation';
import { configToken } from '../config/config-token';

export const REDIS_DOWN_MODES = ['allow_small', 'block_all', 'allow_all'] as const;
export type RedisDownMode = (typeof REDIS_DOWN_MODES)[number];

/**
 * Fraud settings (the configuration's `fraud` section) (the tunable rule set lives in MongoDB instead):
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
export function fraudSection(env: EnvironmentVariables) {
  return {
    redisDownMode: env.FRAUD_REDIS_DOWN_MODE as RedisDownMode,
    degradedMaxAmount: env.FRAUD_DEGRADED_MAX_AMOUNT,
    redisTimeoutMs: env.FRAUD_REDIS_TIMEOUT_MS,
    assessmentRetentionDays: env.FRAUD_ASSESSMENT_RETENTION_DAYS,
    backtestMaxDays: env.FRAUD_BACKTEST_MAX_DAYS,
    backtestMaxPayments: env.FRAUD_BACKTEST_MAX_PAYMENTS,
    listResyncSeconds: env.FRAUD_LIST_RESYNC_SECONDS,
  };
}

export type FraudConfig = ReturnType<typeof fraudSection>;
export const fraudConfig = configToken('fraud');
