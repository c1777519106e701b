import { NestFactory } from '@nestjs/core';
import type { INestApplicationContext } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { configureApp } from '../src/app.setup';
import { loadConfiguration, type NfcPayConfig } from '../src/config/app.config';
import { RootModule } from '../src/roles/root.module';
import { EmbeddedServer, startMongo, startRedis } from '../src/embedded/embedded-servers';

export interface BenchApp {
  app: INestApplicationContext;
  stop(): Promise<void>;
}

export interface HttpBenchApp extends BenchApp {
  app: NestExpressApplication;
  url: string;
}

/**
 * The real app as a bench needs it: its own embedded servers (unless MONGODB_URI / REDIS_URL are
 * set), a fresh database, quiet logs. Benches print numbers; they never assert timings.
 */
export async function startBenchApp(env: Record<string, string> = {}): Promise<BenchApp> {
  return start(env, async (config) => {
    const app = await NestFactory.createApplicationContext(RootModule.forConfig(config), { logger: ['error', 'warn'] });
    await app.init();
    return app;
  });
}

/** The same, serving HTTP and sockets on a free loopback port, configured as main.ts configures it. */
export async function startHttpBenchApp(env: Record<string, string> = {}): Promise<HttpBenchApp> {
  const bench = await start(env, async (config) => {
    const app = await NestFactory.create<NestExpressApplication>(RootModule.forConfig(config), { bodyParser: false, logger: ['error', 'warn'] });
    configureApp(app);
    await app.listen(0, '127.0.0.1');
    return app;
  });
  const app = bench.app as NestExpressApplication;
  return { ...bench, app, url: (await app.getUrl()).replace('[::1]', '127.0.0.1') };
}

/** A bench's configuration: the environment it was started with (BENCH_* knobs, MONGODB_URI…), the bench's own servers and `env` on top. */
export function benchConfiguration(env: Record<string, string | undefined>): NfcPayConfig {
  return loadConfiguration({ ...process.env, NODE_ENV: 'test', LOG_LEVEL: 'warn', LOG_FORMAT: 'json', ...env });
}

async function start(env: Record<string, string>, create: (config: NfcPayConfig) => Promise<INestApplicationContext>): Promise<BenchApp> {
  const servers: EmbeddedServer[] = [];
  if (!process.env.MONGODB_URI) servers.push(await startMongo((line) => console.error(line)));
  if (!process.env.REDIS_URL) servers.push(await startRedis());
  const [mongo, redis] = [servers.find((s) => s.uri.startsWith('mongodb')), servers.find((s) => s.uri.startsWith('redis'))];
  const isolation = `bench_${randomUUID().slice(0, 8)}`;
  const config = benchConfiguration({
    THROTTLE_ENABLED: 'false',
    MONGODB_DB_NAME: isolation,
    REDIS_KEY_PREFIX: `${isolation}:`,
    ...(mongo && { MONGODB_URI: mongo.uri }),
    ...(redis && { REDIS_URL: redis.uri }),
    ...env,
  });
  const app = await create(config);
  return {
    app,
    stop: async () => {
      await app.close();
      await Promise.all(servers.map((server) => server.stop()));
    },
  };
}

export function percentile(sortedMs: number[], p: number): number {
  if (!sortedMs.length) return 0;
  return sortedMs[Math.min(sortedMs.length - 1, Math.ceil((p / 100) * sortedMs.length) - 1)];
}

export const fmt = (ms: number) => `${ms.toFixed(1)} ms`;
