import { NestExpressApplication } from '@nestjs/platform-express';
import { EmbeddedServer, startRedis } from '../../src/embedded/embedded-servers';
import { FraudModule } from '../../src/fraud/fraud.module';
import { FraudService } from '../../src/fraud/fraud.service';
import { closeTestApp, createTestApp } from '../support/test-app';
import { payment } from './fraud-helpers';

describe('fraud: when Redis is down', () => {
  let redis: EmbeddedServer;
  let allowSmall: NestExpressApplication;
  let blockAll: NestExpressApplication;
  let allowAll: NestExpressApplication;

  beforeAll(async () => {
    redis = await startRedis();
    const app = (mode: string) =>
      createTestApp({ env: { REDIS_URL: redis.uri, FRAUD_REDIS_DOWN_MODE: mode, FRAUD_REDIS_TIMEOUT_MS: '50', FRAUD_DEGRADED_MAX_AMOUNT: '200000' }, extra: { imports: [FraudModule] } });
    allowSmall = await app('allow_small');
    blockAll = await app('block_all');
    allowAll = await app('allow_all');
  });
  afterAll(async () => {
    await Promise.all([closeTestApp(allowSmall), closeTestApp(blockAll), closeTestApp(allowAll)]);
    await redis.stop();
  });

  it('assesses normally while Redis is up', async () => {
    const assessment = await allowSmall.get(FraudService).assess(payment({ amount: 500_000, at: new Date() }));
    expect(assessment).toMatchObject({ decision: 'allow', reasons: [] });
    expect(assessment.degraded).toBeUndefined();
  });

  describe('after Redis stopped', () => {
    beforeAll(() => redis.stop());

    it('allow_small (default): small amounts pass flagged fraud_degraded, larger ones block with fraud_unavailable, quickly', async () => {
      const fraud = allowSmall.get(FraudService);
      const started = Date.now();
      const small = await fraud.assess(payment({ amount: 199_999, at: new Date() }));
      const large = await fraud.assess(payment({ amount: 200_000, at: new Date() }));
      expect(Date.now() - started).toBeLessThan(1_000);
      expect(small).toMatchObject({ decision: 'allow', degraded: true, reasons: [{ rule: 'fraud_degraded', weight: 0 }] });
      expect(large).toMatchObject({ decision: 'block', degraded: true, reasons: [{ rule: 'fraud_unavailable' }] });
      await expect(fraud.recordOutcome(payment({ at: new Date() }), { approved: true })).resolves.toBeUndefined();
    });

    it('answers within the time box even for many concurrent assessments', async () => {
      const fraud = allowSmall.get(FraudService);
      const started = Date.now();
      const results = await Promise.all(Array.from({ length: 50 }, () => fraud.assess(payment({ amount: 1_000, at: new Date() }))));
      expect(Date.now() - started).toBeLessThan(1_000);
      expect(results.every((r) => r.degraded && r.decision === 'allow')).toBe(true);
    });

    it('block_all: every payment blocks with fraud_unavailable', async () => {
      const assessment = await blockAll.get(FraudService).assess(payment({ amount: 1, at: new Date() }));
      expect(assessment).toMatchObject({ decision: 'block', degraded: true, reasons: [{ rule: 'fraud_unavailable' }] });
    });

    it('allow_all: every payment passes flagged fraud_degraded', async () => {
      const assessment = await allowAll.get(FraudService).assess(payment({ amount: 50_000_000, at: new Date() }));
      expect(assessment).toMatchObject({ decision: 'allow', degraded: true, reasons: [{ rule: 'fraud_degraded' }] });
    });
  });
});
