import { randomUUID } from 'node:crypto';
import { INestApplication, ModuleMetadata } from '@nestjs/common';
import { NestExpressApplication } from '@nestjs/platform-express';
import { Test } from '@nestjs/testing';
import { AppModule } from '../../src/app.module';
import { configureApp } from '../../src/app.setup';

export interface TestAppOptions {
  /** Environment for this app only (e.g. a REDIS_URL of a server the test will stop). */
  env?: Record<string, string>;
  /** Extra controllers/providers a test needs beside the real app. */
  extra?: ModuleMetadata;
}

/**
 * The real app, configured exactly as main.ts configures it, against the run's real MongoDB and
 * Redis. Each app gets its own database and Redis key prefix, so test files never share state.
 */
export async function createTestApp(options: TestAppOptions = {}): Promise<NestExpressApplication> {
  const isolation = `t_${randomUUID().replace(/-/g, '').slice(0, 12)}`;
  Object.assign(process.env, {
    NODE_ENV: 'test',
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    MONGODB_DB_NAME: isolation,
    REDIS_KEY_PREFIX: `${isolation}:`,
    ...options.env,
  });
  const moduleRef = await Test.createTestingModule({
    imports: [AppModule.forRoot(), ...(options.extra?.imports ?? [])],
    controllers: options.extra?.controllers ?? [],
    providers: options.extra?.providers ?? [],
  }).compile();
  const app = moduleRef.createNestApplication<NestExpressApplication>({ bodyParser: false, bufferLogs: true });
  configureApp(app);
  await app.init();
  return app;
}

export async function closeTestApp(app: INestApplication | undefined): Promise<void> {
  await app?.close();
}
