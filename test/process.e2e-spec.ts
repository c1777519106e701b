import { ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { findFreePort } from '../src/embedded/free-port';

/**
 * The built app as `node dist/main.js`, the way it runs in production and under `npm start`
 * (`npm test` builds it first).
 */
const mainJs = join(__dirname, '..', 'dist', 'main.js');

interface Running {
  child: ChildProcess;
  output: () => string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

function startApp(env: Record<string, string | undefined>): Running {
  const base: NodeJS.ProcessEnv = { PATH: process.env.PATH, HOME: process.env.HOME, NFCPAY_CACHE_DIR: process.env.NFCPAY_CACHE_DIR, LOG_FORMAT: 'json', LOG_LEVEL: 'info' };
  const child = spawn(process.execPath, [mainJs], { env: { ...base, ...env } as NodeJS.ProcessEnv, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout!.on('data', (chunk) => (output += chunk));
  child.stderr!.on('data', (chunk) => (output += chunk));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  return { child, output: () => output, exited };
}

async function waitUntilReady(port: number, running: Running, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (running.child.exitCode !== null) throw new Error(`app exited early:\n${running.output()}`);
    const ok = await fetch(`http://127.0.0.1:${port}/health/ready`).then((r) => r.status === 200, () => false);
    if (ok) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`app not ready within ${timeoutMs} ms:\n${running.output()}`);
}

const withServers = () => ({ MONGODB_URI: process.env.MONGODB_URI, REDIS_URL: process.env.REDIS_URL, MONGODB_DB_NAME: 'process_test' });

describe('the process', () => {
  it.each([
    [{ PORT: 'eighty' }, 'PORT'],
    [{ MONGODB_URI: 'postgres://nope' }, 'MONGODB_URI'],
    [{ JWT_EXPIRES_IN: 'forever' }, 'JWT_EXPIRES_IN'],
    [{ NODE_ENV: 'production', JWT_SECRET: undefined }, 'JWT_SECRET'],
    [{ NODE_ENV: 'production', JWT_SECRET: 'secretsecretsecretsecretsecretsecret' }, 'JWT_SECRET'],
    [{ NODE_ENV: 'production', JWT_SECRET: 'q8Z2-vT1m9XkLp4Rw7Yc0bN6hJ3sFd5G' }, 'WALLET_MASTER_KEY'],
  ])('refuses to start on bad configuration %j, naming the variable in one line', async (env, variable) => {
    const running = startApp({ ...withServers(), ...env });
    const { code } = await running.exited;
    expect(code).toBe(1);
    const lines = running.output().trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain(variable);
  });

  it('runs with explicit configuration and shuts down cleanly on SIGTERM', async () => {
    const port = await findFreePort();
    const running = startApp({
      ...withServers(),
      PORT: String(port),
      NODE_ENV: 'production',
      JWT_SECRET: 'q8Z2-vT1m9XkLp4Rw7Yc0bN6hJ3sFd5G',
      WALLET_MASTER_KEY: randomBytes(32).toString('base64'),
    });
    await waitUntilReady(port, running);
    running.child.kill('SIGTERM');
    const started = Date.now();
    const { code, signal } = await running.exited;
    expect(Date.now() - started).toBeLessThan(10_000);
    expect({ code, signal }).toEqual({ code: 0, signal: null });
    const refused = await fetch(`http://127.0.0.1:${port}/health`).then(() => false, () => true);
    expect(refused).toBe(true);
    expect(running.output()).not.toMatch(/error/i);
    expect(running.output()).toContain('Shut down cleanly');
  });

  it('brings up its own MongoDB-compatible server and Redis when none is configured, and stops them on exit', async () => {
    const port = await findFreePort();
    const running = startApp({ PORT: String(port), NODE_ENV: 'development' });
    await waitUntilReady(port, running);
    const uris = [...running.output().matchAll(/at (mongodb|redis):\/\/127\.0\.0\.1:(\d+)/g)].map((m) => Number(m[2]));
    expect(uris).toHaveLength(2);
    expect(running.output()).toContain(`/api/docs`);
    running.child.kill('SIGTERM');
    await running.exited;
    for (const embeddedPort of uris) {
      const closed = await fetch(`http://127.0.0.1:${embeddedPort}`).then(() => false, () => true);
      expect(closed).toBe(true);
    }
  });
});
