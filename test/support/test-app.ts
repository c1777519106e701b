import { randomUUID } from 'node:crypto';
import { INestApplication, ModuleMetadata } from '@nestjs/common';
import { NestExpressApplication } from '@nestjs/platform-express';
import { Test } from '@nestjs/testing';
import { configureApp, configureWorkerApp } from '../../src/app.setup';
import { loadConfiguration, type NfcPayConfig } from '../../src/config/app.config';
import { environmentVariableNames } from '../../src/config/env.validation';
import { RootModule } from '../../src/roles/root.module';
import { TEST_ADMIN } from './session';

export interface TestAppOptions {
  /** Settings for this app only (e.g. a REDIS_URL of a server the test will stop), as environment variables. */
  env?: Record<string, string>;
  /** Extra controllers/providers a test needs beside the real app. */
  extra?: ModuleMetadata;
  /** Share a database and key prefix with another app (e.g. an API app and a worker app). */
  isolation?: string;
}

export const newIsolation = () => `t_${randomUUID().replace(/-/g, '').slice(0, 12)}`;

export const TEST_METRICS_TOKEN = 'metrics-token-for-tests-0123456789';

/** The configuration a test app runs with: the run's servers, its own database and key prefix, and `env` on top. */
export function testConfiguration(isolation: string, env: Record<string, string> = {}): NfcPayConfig {
  // A misspelt or retired setting would otherwise be ignored, and the test would prove nothing.
  const unknown = Object.keys(env).filter((name) => !environmentVariableNames().includes(name));
  if (unknown.length) throw new Error(`Not configuration variables: ${unknown.join(', ')}`);
  return loadConfiguration({
    NODE_ENV: 'test',
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    MONGODB_URI: process.env.TEST_MONGODB_URI,
    REDIS_URL: process.env.TEST_REDIS_URL,
    NFCPAY_CACHE_DIR: process.env.NFCPAY_CACHE_DIR,
    MONGODB_DB_NAME: isolation,
    REDIS_KEY_PREFIX: `${isolation}:`,
    ADMIN_EMAIL: TEST_ADMIN.email,
    ADMIN_PASSWORD: TEST_ADMIN.password,
    METRICS_TOKEN: TEST_METRICS_TOKEN,
    // Suites poll status every 50 ms and log in from one IP many times: far above any real
    // caller. test/throttling sets its own small limits through options.env.
    THROTTLE_PAYMENT_LIMIT: '100000',
    THROTTLE_PAYMENT_CARD_LIMIT: '100000',
    THROTTLE_NFC_LIMIT: '100000',
    THROTTLE_AUTH_IP_LIMIT: '100000',
    THROTTLE_AUTH_ACCOUNT_LIMIT: '100000',
    // Suites run beside each other on a busy machine, where a 50 ms time box is sometimes missed by
    // a Redis that is up, and the assessment degrades; test/fraud's Redis-down suite sets 50 back.
    FRAUD_REDIS_TIMEOUT_MS: '1000',
    // Tests receive webhooks on 127.0.0.1; test/notifications turns this off to see the refusal.
    WEBHOOK_ALLOW_PRIVATE_URLS: 'true',
    ...env,
  });
}

/**
 * The real app, configured exactly as main.ts configures it, against the run's real MongoDB and
 * Redis. Each app gets its own database and Redis key prefix, so test files never share state;
 * its configuration is an explicit object, so no setting leaks from one app into the next.
 */
export async function createTestApp(options: TestAppOptions = {}): Promise<NestExpressApplication> {
  const config = testConfiguration(options.isolation ?? newIsolation(), options.env);
  const moduleRef = await Test.createTestingModule({
    imports: [RootModule.forConfig(config), ...(options.extra?.imports ?? [])],
    controllers: options.extra?.controllers ?? [],
    providers: options.extra?.providers ?? [],
  }).compile();
  const app = moduleRef.createNestApplication<NestExpressApplication>({ bodyParser: false, bufferLogs: true });
  if (config.app.role === 'worker') configureWorkerApp(app);
  else configureApp(app);
  await app.init();
  return app;
}

export async function closeTestApp(app: INestApplication | undefined): Promise<void> {
  await app?.close();
}
