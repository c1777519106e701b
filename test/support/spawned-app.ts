import { ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { waitFor } from './wait';

const spawned: ChildProcess[] = [];

/** A worker-only process (`APP_ROLE=worker`) of the built app, sharing the test's database and Redis. */
export function startWorker(isolation: string, redisUrl: string, overrides: Record<string, string> = {}): ChildProcess {
  return startProcess(isolation, redisUrl, { APP_ROLE: 'worker', METRICS_PORT: '0', ...overrides });
}

/** The built app with its API on `port` and its workers, as `npm start` runs it; resolves once it answers ready. */
export async function startWholeApp(isolation: string, redisUrl: string, port: number): Promise<ChildProcess> {
  // Job locks outlast wallet leases, as with the production defaults (both 30 s, stalled jobs looked for every 30 s): after a
  // crash the other payments of a wallet may run, and use up their attempts, before a killed one's job runs again.
  const app = startProcess(isolation, redisUrl, { PORT: String(port), QUEUE_LOCK_DURATION_MS: '15000', QUEUE_STALLED_INTERVAL_MS: '5000' });
  await waitFor(async () => {
    if (app.exitCode !== null) throw new Error(`the app exited with ${app.exitCode}`);
    return fetch(`http://127.0.0.1:${port}/health/ready`).then((r) => r.status === 200, () => false);
  }, 30_000, 'the app to be ready');
  return app;
}

/** SIGKILL: no shutdown hook runs, as when the machine dies. */
export async function killHard(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGKILL');
  await exited;
}

export async function stopGently(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await exited;
}

/** For afterAll: whatever a failed test left running. */
export function killSpawned(): void {
  for (const child of spawned) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
}

function startProcess(isolation: string, redisUrl: string, overrides: Record<string, string>): ChildProcess {
  const child = spawn(process.execPath, [join(__dirname, '..', '..', 'dist', 'main.js')], {
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      // Where the development secrets live: the same JWT and wallet keys as the test's own apps.
      NFCPAY_CACHE_DIR: process.env.NFCPAY_CACHE_DIR,
      NODE_ENV: 'test',
      LOG_LEVEL: 'error',
      LOG_FORMAT: 'json',
      MONGODB_URI: process.env.TEST_MONGODB_URI,
      MONGODB_DB_NAME: isolation,
      REDIS_URL: redisUrl,
      REDIS_KEY_PREFIX: `${isolation}:`,
      // A killed worker's wallet leases and job locks lapse within seconds, not the production 30 s.
      WALLET_LEASE_TTL_MS: '11000',
      SUI_SUBMIT_TIMEOUT_MS: '1000',
      QUEUE_LOCK_DURATION_MS: '1500',
      QUEUE_STALLED_INTERVAL_MS: '1000',
      OUTBOX_SWEEP_INTERVAL_MS: '500',
      ...overrides,
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  spawned.push(child);
  return child;
}
