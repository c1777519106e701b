import 'reflect-metadata';
import { DynamicModule, Module } from '@nestjs/common';
import { ScheduleModule } from '@nestjs/schedule';
import { NestFactory } from '@nestjs/core';
import { EventEmitterModule } from '@nestjs/event-emitter';
import { MongooseModule } from '@nestjs/mongoose';
import type Redis from 'ioredis';
import { randomUUID } from 'node:crypto';
import { cpus, loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import type { NfcPayConfig } from '../src/config/app.config';
import { ConfigurationModule } from '../src/config/configuration.module';
import { ApiPeriodicWork } from '../src/roles/periodic-work';
import { benchConfiguration } from './bench-app';
import { EmbeddedServer, startMongo, startRedis } from '../src/embedded/embedded-servers';
import { REDIS_CLIENT } from '../src/redis/redis.constants';
import { RedisModule } from '../src/redis/redis.module';
import { FraudAssessmentsStore } from '../src/fraud/fraud-assessments.store';
import { FraudModule } from '../src/fraud/fraud.module';
import { FraudService } from '../src/fraud/fraud.service';
import { FraudModelService } from '../src/fraud/model/fraud-model.service';
import { BUNDLED_MODELS } from '../src/fraud/model/models';
import type { AssessmentInput, FraudDecision } from '../src/fraud/fraud.types';

/**
 * `npm run bench:fraud`: assess latency (server time, measured in-process around
 * FraudService.assess) at a fixed arrival rate. Starts its own redis-server; uses MONGODB_URI when
 * set, else starts an embedded MongoDB-compatible server. Every payment is followed by
 * recordOutcome, as payments does, and every assessment is stored, so the load is the real one.
 *
 * FRAUD_BENCH_RATE (500 per second), FRAUD_BENCH_SECONDS (10), FRAUD_BENCH_CARDS (2000);
 * FRAUD_BENCH_NO_STORE=1 leaves out storing assessments (diagnostics); the newest bundled fraud
 * model is activated (FRAUD_BENCH_MODEL=shadow keeps it in shadow).
 */
@Module({})
class FraudBenchModule {
  static forConfig(config: NfcPayConfig): DynamicModule {
    return {
      module: FraudBenchModule,
      imports: [
        ConfigurationModule.forRoot(config),
        MongooseModule.forRoot(config.database.uri, { dbName: config.database.dbName }),
        EventEmitterModule.forRoot(),
        ScheduleModule.forRoot(),
        RedisModule,
        FraudModule,
      ],
      providers: [ApiPeriodicWork],
    };
  }
}

export interface BenchResult {
  rate: number;
  seconds: number;
  count: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
  recordP99: number;
  decisions: Record<FraudDecision, number>;
  degraded: number;
  floorP50?: number;
  floorP99?: number;
}

export async function main(): Promise<BenchResult> {
  const rate = Number(process.env.FRAUD_BENCH_RATE ?? 500);
  const seconds = Number(process.env.FRAUD_BENCH_SECONDS ?? 10);
  const cards = Number(process.env.FRAUD_BENCH_CARDS ?? 2000);
  const servers: EmbeddedServer[] = [];
  const redis = await startRedis();
  servers.push(redis);
  const mongo = process.env.MONGODB_URI ? undefined : await startMongo((line) => console.log(line));
  if (mongo) servers.push(mongo);
  const isolation = `bench_${randomUUID().replace(/-/g, '').slice(0, 8)}`;
  const config = benchConfiguration({ REDIS_URL: redis.uri, MONGODB_DB_NAME: isolation, REDIS_KEY_PREFIX: `${isolation}:`, ...(mongo && { MONGODB_URI: mongo.uri }) });

  const app = await NestFactory.createApplicationContext(FraudBenchModule.forConfig(config), { logger: ['error', 'warn'] });
  try {
    const fraud = app.get(FraudService);
    if (process.env.FRAUD_BENCH_NO_STORE === '1') {
      // Diagnostics: leave MongoDB out to see what the Redis round trip and the rules cost alone.
      const store = app.get(FraudAssessmentsStore);
      store.insert = () => undefined;
      store.update = () => undefined;
    }
    // The model on: the newest bundled one enforced through the model rule (FRAUD_BENCH_MODEL=shadow scores it without enforcing).
    if (process.env.FRAUD_BENCH_MODEL !== 'shadow') await app.get(FraudModelService).activate(BUNDLED_MODELS.at(-1)!.version, 'bench');
    const makeInput = payments(cards);
    console.log(`fraud bench: ${rate}/s for ${seconds} s (+1 s warm-up), ${cards} cards, redis ${redis.uri}`);
    await run(() => one(fraud, makeInput()), rate, 1); // warm-up: connections, JIT, first Mongo writes
    const measured = await run(() => one(fraud, makeInput()), rate, seconds);
    await fraud.whenIdle();
    const result = summarize(measured, rate, seconds);
    // The floor on this machine: one bare Redis round trip (GET) at the same rate and duration.
    const redisClient = app.get<Redis>(REDIS_CLIENT);
    const floor = (await run(() => ping(redisClient), rate, Math.min(seconds, 5))).map((s) => s.assessMs).sort((a, b) => a - b);
    result.floorP50 = floor[Math.floor(floor.length * 0.5)];
    result.floorP99 = floor[Math.floor(floor.length * 0.99)];
    console.log(
      `assess latency over ${result.count} payments: p50 ${result.p50.toFixed(3)} ms, p90 ${result.p90.toFixed(3)} ms, ` +
        `p99 ${result.p99.toFixed(3)} ms, max ${result.max.toFixed(3)} ms; recordOutcome p99 ${result.recordP99.toFixed(3)} ms`,
    );
    console.log(`decisions: ${JSON.stringify(result.decisions)}, degraded: ${result.degraded}`);
    console.log(`floor (bare Redis GET at the same rate): p50 ${result.floorP50!.toFixed(3)} ms, p99 ${result.floorP99!.toFixed(3)} ms; load average ${loadavg().map((l) => l.toFixed(2)).join(' ')} on ${cpus().length} CPUs`);
    console.log(result.p99 < 3 ? 'OK: p99 under 3 ms' : 'SLOW: p99 is 3 ms or more');
    return result;
  } finally {
    await app.close();
    await Promise.all(servers.map((server) => server.stop()));
  }
}

interface Sample {
  assessMs: number;
  recordMs: number;
  decision: FraudDecision;
  degraded: boolean;
}

/** Fires payments at a fixed arrival rate (open loop: a slow answer does not slow the arrivals). */
async function run(fire: () => Promise<Sample>, rate: number, seconds: number): Promise<Sample[]> {
  const total = Math.round(rate * seconds);
  const samples: Promise<Sample>[] = [];
  const started = performance.now();
  await new Promise<void>((resolve) => {
    const timer = setInterval(() => {
      const due = Math.min(total, Math.floor(((performance.now() - started) * rate) / 1000));
      while (samples.length < due) samples.push(fire());
      if (samples.length >= total) {
        clearInterval(timer);
        resolve();
      }
    }, 1);
  });
  return Promise.all(samples);
}

async function one(fraud: FraudService, input: AssessmentInput): Promise<Sample> {
  const t0 = performance.now();
  const assessment = await fraud.assess(input);
  const t1 = performance.now();
  await fraud.recordOutcome(input, { approved: assessment.decision !== 'block', assessmentId: assessment.assessmentId });
  const t2 = performance.now();
  return { assessMs: t1 - t0, recordMs: t2 - t1, decision: assessment.decision, degraded: assessment.degraded ?? false };
}

async function ping(redis: Redis): Promise<Sample> {
  const t0 = performance.now();
  await redis.get('fraud:bench:floor');
  return { assessMs: performance.now() - t0, recordMs: 0, decision: 'allow', degraded: false };
}

function payments(cards: number): () => AssessmentInput {
  let n = 0;
  return () => {
    n++;
    const card = n % cards;
    return {
      cardUuid: `bench-card-${card}`,
      userId: `bench-user-${card}`,
      amount: 10_000 + ((n * 7919) % 190_000),
      merchantId: `bench-merchant-${n % 10}`,
      terminalId: `bench-terminal-${(card + (n % 3)) % 50}`,
      at: new Date(),
    };
  };
}

function summarize(samples: Sample[], rate: number, seconds: number): BenchResult {
  const assess = samples.map((s) => s.assessMs).sort((a, b) => a - b);
  const record = samples.map((s) => s.recordMs).sort((a, b) => a - b);
  const at = (sorted: number[], q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
  const decisions: Record<FraudDecision, number> = { allow: 0, review: 0, block: 0 };
  for (const sample of samples) decisions[sample.decision]++;
  return {
    rate,
    seconds,
    count: samples.length,
    p50: at(assess, 0.5),
    p90: at(assess, 0.9),
    p99: at(assess, 0.99),
    max: assess[assess.length - 1],
    recordP99: at(record, 0.99),
    decisions,
    degraded: samples.filter((s) => s.degraded).length,
  };
}

if (require.main === module) {
  main().then(
    () => process.exit(0),
    (error) => {
      console.error(error);
      process.exit(1);
    },
  );
}
