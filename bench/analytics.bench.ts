import 'reflect-metadata';
import { getModelToken } from '@nestjs/mongoose';
import type { Model } from 'mongoose';
import { performance } from 'node:perf_hooks';
import { AnalyticsService } from '../src/analytics/analytics.service';
import { bucketDeltas, forScope } from '../src/analytics/rollup-folder';
import { floorTo, LEVEL_MS } from '../src/analytics/buckets';
import type { Fact, Measures } from '../src/analytics/rollup';
import { AnalyticsRollup } from '../src/analytics/schemas/analytics.schemas';
import type { Principal } from '../src/common/auth/principal';
import { fmt, percentile, startBenchApp } from './bench-app';

/**
 * `npm run bench:analytics`: summary latency over rollups holding ANALYTICS_BENCH_PAYMENTS
 * payments (1 000 000) spread over ANALYTICS_BENCH_DAYS days (30) and ANALYTICS_BENCH_MERCHANTS
 * merchants (20). The rollup documents are written directly — every minute, hour and day bucket
 * as the folder leaves them — not the payments.
 */
const PAYMENTS = Number(process.env.ANALYTICS_BENCH_PAYMENTS ?? 1_000_000);
const DAYS = Number(process.env.ANALYTICS_BENCH_DAYS ?? 30);
const MERCHANTS = Number(process.env.ANALYTICS_BENCH_MERCHANTS ?? 20);
const RUNS = Number(process.env.ANALYTICS_BENCH_RUNS ?? 20);
const DECLINES = ['card_blocked', 'single_limit_exceeded', 'daily_limit_exceeded', 'fraud_high_risk'];
const START = floorTo(Date.UTC(2026, 0, 1), 'day');

type Doc = { _id: string; scope: string; level: string; start: Date; m: Measures; updatedAt: Date };

/** One day's payments, as facts folded into minute, hour and day buckets the way the folder adds them. */
function dayOfRollups(day: number, perDay: number): Doc[] {
  const dayStart = START + day * LEVEL_MS.day;
  const facts: Fact[] = [];
  for (let i = 0; i < perDay; i++) {
    const at = new Date(dayStart + Math.floor(Math.random() * LEVEL_MS.day));
    const merchantId = `M${i % MERCHANTS}`;
    const terminalId = `${merchantId}-T${i % 7}`;
    const id = `nfc_${day}_${i}`;
    const amount = 10_000 + ((i * 7919) % 490_000);
    if (i % 10 === 0) facts.push({ _id: `${id}:declined`, kind: 'declined', merchantId, terminalId, amount, at, declineCode: DECLINES[i % DECLINES.length] });
    else
      facts.push(
        { _id: `${id}:accepted`, kind: 'accepted', merchantId, terminalId, amount, at },
        { _id: `${id}:completed`, kind: 'completed', merchantId, terminalId, amount, at, latencyMs: 200 + ((i * 31) % 3_000) },
      );
  }
  return [...bucketDeltas(facts)].map(([_id, { bucket, m }]) => ({ _id, scope: bucket.scope, level: bucket.level, start: new Date(bucket.start), m: forScope(bucket.scope, m), updatedAt: new Date() }));
}

async function time(runs: number, run: () => Promise<unknown>): Promise<{ p50: number; p95: number }> {
  await run();
  const samples: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    await run();
    samples.push(performance.now() - t);
  }
  samples.sort((a, b) => a - b);
  return { p50: percentile(samples, 50), p95: percentile(samples, 95) };
}

export async function main(): Promise<void> {
  const bench = await startBenchApp({ APP_ROLE: 'api' });
  try {
    const rollups = bench.app.get<Model<AnalyticsRollup>>(getModelToken(AnalyticsRollup.name));
    const analytics = bench.app.get(AnalyticsService);
    const seeding = performance.now();
    let docs = 0;
    for (let day = 0; day < DAYS; day++) {
      const batch = dayOfRollups(day, Math.round(PAYMENTS / DAYS));
      for (let i = 0; i < batch.length; i += 2_000) await rollups.collection.insertMany(batch.slice(i, i + 2_000) as never[], { ordered: false });
      docs += batch.length;
    }
    console.log(`seeded ${PAYMENTS} payments as ${docs} rollup documents in ${((performance.now() - seeding) / 1000).toFixed(1)} s`);

    const admin: Principal = { id: 'bench-admin', role: 'admin' };
    const iso = (t: number) => new Date(t).toISOString();
    const end = START + DAYS * LEVEL_MS.day;
    const cases: Array<[string, () => Promise<unknown>]> = [
      [`summary, all merchants, ${DAYS} whole days`, () => analytics.summary({ from: iso(START), to: iso(end) }, admin)],
      [`summary, all merchants, ${DAYS} days off every boundary (worst case: ${118 + DAYS - 2} buckets)`, () => analytics.summary({ from: iso(START + 23 * LEVEL_MS.hour + 59 * LEVEL_MS.minute), to: iso(end - 23 * LEVEL_MS.hour - 59 * LEVEL_MS.minute) }, admin)],
      ['summary, one merchant, one day', () => analytics.summary({ from: iso(START), to: iso(START + LEVEL_MS.day), merchantId: 'M1' }, admin)],
      ['timeseries, volume per hour over 7 days (168 points)', () => analytics.timeseries({ metric: 'volume', interval: 'hour', from: iso(START), to: iso(START + 7 * LEVEL_MS.day) }, admin)],
    ];
    const check = await analytics.summary({ from: iso(START), to: iso(end) }, admin);
    console.log(`figures: count ${check.count}, volume ${check.volume}, approval ${(check.approvalRate * 100).toFixed(1)}%, p95 ${check.settlementLatencyMs.p95} ms`);
    for (const [name, run] of cases) {
      const { p50, p95 } = await time(RUNS, run);
      console.log(`${name}: p50 ${fmt(p50)}, p95 ${fmt(p95)} (${RUNS} runs)`);
    }
  } finally {
    await bench.stop();
  }
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
