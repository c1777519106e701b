import 'reflect-metadata';
import { validateEnvironment } from '../config/env.validation';
import { fraudSection } from './fraud.config';

const readFraudConfig = (raw: Record<string, string>) => fraudSection(validateEnvironment(raw));

describe('readFraudConfig', () => {
  it('has documented defaults', () => {
    expect(readFraudConfig({})).toEqual({
      redisDownMode: 'allow_small',
      degradedMaxAmount: 200_000,
      redisTimeoutMs: 50,
      assessmentRetentionDays: 90,
      backtestMaxDays: 90,
      backtestMaxPayments: 200_000,
      listResyncSeconds: 60,
    });
  });

  it('reads values and refuses bad ones with a one-line message naming the variable', () => {
    expect(readFraudConfig({ FRAUD_REDIS_DOWN_MODE: 'block_all', FRAUD_DEGRADED_MAX_AMOUNT: '5' })).toMatchObject({ redisDownMode: 'block_all', degradedMaxAmount: 5 });
    expect(() => readFraudConfig({ FRAUD_REDIS_DOWN_MODE: 'maybe' })).toThrow(/FRAUD_REDIS_DOWN_MODE: .*allow_small, block_all, allow_all/);
    expect(() => readFraudConfig({ FRAUD_DEGRADED_MAX_AMOUNT: '1e5' })).toThrow(/FRAUD_DEGRADED_MAX_AMOUNT: .*integer/);
    expect(() => readFraudConfig({ FRAUD_REDIS_TIMEOUT_MS: '0' })).toThrow(/FRAUD_REDIS_TIMEOUT_MS: .*not be less than 1/);
  });
});
