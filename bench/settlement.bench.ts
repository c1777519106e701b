import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import { Ed25519Keypair } from '@mysten/sui/keypairs/ed25519';
import { fmt, percentile, startBenchApp } from './bench-app';
import { SettlementService } from '../src/blockchain/settlement/settlement.service';
import { WalletService } from '../src/blockchain/wallets/wallet.service';

/**
 * `npm run bench:settlement`: settlement time on the LocalLedger: 200 settlements across 200
 * wallets at once, then one at a time from one wallet. Prints numbers; compare runs on one machine.
 */
const WARM_UP = 20;
const IN_A_ROW = 200;

async function main(): Promise<void> {
  const { app, stop } = await startBenchApp({ WORKERS_ENABLED: 'false' });
  const wallets = app.get(WalletService);
  const settlement = app.get(SettlementService);
  const merchant = new Ed25519Keypair().toSuiAddress();
  const settle = (from: string) => settlement.settle({ transactionId: `bench_${randomUUID()}`, fromAddress: from, toAddress: merchant, amountMist: 75_000_000n });

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
  await stop();
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
