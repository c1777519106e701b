import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import { Ed25519Keypair } from '@mysten/sui/keypairs/ed25519';
import { getConnectionToken } from '@nestjs/mongoose';
import type { Connection } from 'mongoose';
import { fmt, percentile, startBenchApp } from './bench-app';
import { SettlementService } from '../src/blockchain/settlement/settlement.service';
import { WalletService } from '../src/blockchain/wallets/wallet.service';

/**
 * `npm run bench:settlement`: settlement time on the LocalLedger: 200 settlements across 200
 * wallets at once, then one at a time from one wallet. Prints numbers; compare runs on one machine.
 * With `-- --trace`, also the timeline of one settlement's database commands (start and end, ms).
 */
const WARM_UP = 20;
const IN_A_ROW = 200;

async function main(): Promise<void> {
  const trace = process.argv.includes('--trace');
  const { app, stop } = await startBenchApp({ WORKERS_ENABLED: 'false', ...(trace && { MONGODB_MONITOR_COMMANDS: 'true' }) });
  const wallets = app.get(WalletService);
  const settlement = app.get(SettlementService);
  const merchant = new Ed25519Keypair().toSuiAddress();
  const settle = (from: string) => settlement.settle({ transactionId: `bench_${randomUUID()}`, fromAddress: from, toAddress: merchant, amountMist: 75_000_000n, firstStart: true });

  const one = await wallets.createWallet(`bench-user-${randomUUID()}`);
  // Warm-up (JIT, connection pools, caches) is not part of what a settlement costs.
  for (let i = 0; i < WARM_UP; i++) await settle(one.address);

  // First, while the ledger is small: a wallet's first settlement looks its coins and its key up
  // by owner and address, which FerretDB answers by scanning, so this phase slows as data grows.
  const many = await Promise.all(Array.from({ length: 200 }, (_, i) => wallets.createWallet(`bench-many-${i}-${randomUUID()}`)));
  const started = performance.now();
  const results = await Promise.allSettled(many.map((wallet) => settle(wallet.address)));
  const elapsed = performance.now() - started;
  const failed = results.filter((r) => r.status === 'rejected');
  console.log(`200 wallets, 200 settlements at once: ${fmt(elapsed)} (${(200_000 / elapsed).toFixed(0)}/s), ${failed.length} failed`);
  if (failed.length) console.log(`first failure: ${(failed[0] as PromiseRejectedResult).reason}`);

  const sequential: number[] = [];
  for (let i = 0; i < IN_A_ROW; i++) {
    const begun = performance.now();
    await settle(one.address);
    sequential.push(performance.now() - begun);
  }
  sequential.sort((a, b) => a - b);
  const mean = sequential.reduce((sum, ms) => sum + ms, 0) / sequential.length;
  console.log(`one wallet, ${IN_A_ROW} settlements in a row: p50 ${fmt(percentile(sequential, 50))}, p99 ${fmt(percentile(sequential, 99))}, mean ${fmt(mean)}`);
  if (trace) await traceOne(app.get<Connection>(getConnectionToken()), () => settle(one.address));
  await stop();
}

/** Where one settlement's time goes: each database command's start and end from the settlement's start; the gaps are Node and Redis. */
async function traceOne(connection: Connection, settle: () => Promise<unknown>): Promise<void> {
  const client = connection.getClient();
  const started = new Map<number, { at: number; name: string; collection: unknown }>();
  const lines: string[] = [];
  let t0 = 0;
  const onStart = (e: { requestId: number; commandName: string; command: Record<string, unknown> }) => started.set(e.requestId, { at: performance.now() - t0, name: e.commandName, collection: Object.values(e.command)[0] });
  const onEnd = (e: { requestId: number }) => {
    const s = started.get(e.requestId);
    if (s) lines.push(`  ${s.at.toFixed(2).padStart(6)} → ${(performance.now() - t0).toFixed(2).padStart(6)} ms  ${s.name} ${String(s.collection)}`);
  };
  client.on('commandStarted', onStart);
  client.on('commandSucceeded', onEnd);
  t0 = performance.now();
  await settle();
  const total = performance.now() - t0;
  client.off('commandStarted', onStart);
  client.off('commandSucceeded', onEnd);
  console.log(`one settlement traced: ${fmt(total)}\n${lines.join('\n')}`);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
