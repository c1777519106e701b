import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import { Ed25519Keypair } from '@mysten/sui/keypairs/ed25519';
import { fmt, percentile, startBenchApp } from '../../common/bench/bench-app';
import { SettlementService } from '../settlement/settlement.service';
import { WalletService } from '../wallets/wallet.service';

/**
 * `npm run bench:settlement`: settlement time on the LocalLedger, one at a time from one wallet,
 * then 200 settlements across 200 wallets at once. Prints numbers; compare runs on one machine.
 */
async function main(): Promise<void> {
  const { app, stop } = await startBenchApp({ WORKERS_ENABLED: 'false' });
  const wallets = app.get(WalletService);
  const settlement = app.get(SettlementService);
  const merchant = new Ed25519Keypair().toSuiAddress();
  const settle = (from: string) => settlement.settle({ transactionId: `bench_${randomUUID()}`, fromAddress: from, toAddress: merchant, amountMist: 75_000_000n });

  const one = await wallets.createWallet(`bench-user-${randomUUID()}`);
  await settle(one.address);
  const sequential: number[] = [];
  for (let i = 0; i < 50; i++) {
    const started = performance.now();
    await settle(one.address);
    sequential.push(performance.now() - started);
  }
  sequential.sort((a, b) => a - b);
  console.log(`one wallet, 50 settlements in a row: p50 ${fmt(percentile(sequential, 50))}, p99 ${fmt(percentile(sequential, 99))}`);

  const many = await Promise.all(Array.from({ length: 200 }, (_, i) => wallets.createWallet(`bench-many-${i}-${randomUUID()}`)));
  const started = performance.now();
  const results = await Promise.allSettled(many.map((wallet) => settle(wallet.address)));
  const elapsed = performance.now() - started;
  const failed = results.filter((r) => r.status === 'rejected');
  console.log(`200 wallets, 200 settlements at once: ${fmt(elapsed)} (${(200_000 / elapsed).toFixed(0)}/s), ${failed.length} failed`);
  if (failed.length) console.log(`first failure: ${(failed[0] as PromiseRejectedResult).reason}`);
  await stop();
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
