import { ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
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
  // Started outside the project, so a developer's own .env there never changes what is tested.
  const child = spawn(process.execPath, [mainJs], { cwd: tmpdir(), env: { ...base, ...env } as NodeJS.ProcessEnv, stdio: ['ignore', 'pipe', 'pipe'] });
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

/** Everything production insists on, with the local ledger said on purpose. */
const production = () => ({
  NODE_ENV: 'production',
  JWT_SECRET: 'q8Z2-vT1m9XkLp4Rw7Yc0bN6hJ3sFd5G',
  WALLET_MASTER_KEY: randomBytes(32).toString('base64'),
  WEBHOOK_SECRET_KEY: randomBytes(32).toString('base64'),
  METRICS_TOKEN: 'metrics-token-for-the-process-test',
  SUI_NETWORK: 'local',
});

const login = (port: number, body: { email: string; password: string }) =>
  fetch(`http://127.0.0.1:${port}/api/auth/login`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });

const withServers = () => ({ MONGODB_URI: process.env.MONGODB_URI, REDIS_URL: process.env.REDIS_URL, MONGODB_DB_NAME: 'process_test' });

describe('the process', () => {
  it.each([
    [{ PORT: 'eighty' }, 'PORT'],
    [{ MONGODB_URI: 'postgres://nope' }, 'MONGODB_URI'],
    [{ JWT_EXPIRES_IN: 'forever' }, 'JWT_EXPIRES_IN'],
    [{ NODE_ENV: 'production', JWT_SECRET: undefined }, 'JWT_SECRET'],
    [{ NODE_ENV: 'production', JWT_SECRET: 'secretsecretsecretsecretsecretsecret' }, 'JWT_SECRET'],
    [{ NODE_ENV: 'production', JWT_SECRET: 'q8Z2-vT1m9XkLp4Rw7Yc0bN6hJ3sFd5G' }, 'WALLET_MASTER_KEY'],
    [{ ...production(), SUI_NETWORK: undefined }, 'SUI_NETWORK'],
    [{ ...production(), METRICS_TOKEN: undefined }, 'METRICS_TOKEN'],
    [{ ...production(), WEBHOOK_SECRET_KEY: undefined }, 'WEBHOOK_SECRET_KEY'],
    [{ APP_ROLE: 'scheduler' }, 'APP_ROLE'],
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
    const running = startApp({ ...withServers(), ...production(), PORT: String(port) });
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

  it('in production on SUI_NETWORK=local: warns, says so in /health, and creates the admin without ever resetting its password', async () => {
    const port = await findFreePort();
    const db = `process_admin_${randomBytes(4).toString('hex')}`;
    const admin = { email: `root-${randomBytes(3).toString('hex')}@example.com`, password: 'first-admin-password' };
    // One deployment restarted: the same secrets both times.
    const deployment = { ...withServers(), ...production(), MONGODB_DB_NAME: db, PORT: String(port), ADMIN_EMAIL: admin.email };
    const first = startApp({ ...deployment, ADMIN_PASSWORD: admin.password });
    await waitUntilReady(port, first);
    expect(first.output()).toMatch(/SUI_NETWORK=local/);
    expect(await fetch(`http://127.0.0.1:${port}/health`).then((r) => r.json())).toMatchObject({ ledger: 'local' });
    expect((await login(port, admin)).status).toBe(200);
    first.child.kill('SIGTERM');
    await first.exited;

    const second = startApp({ ...deployment, ADMIN_PASSWORD: 'a-different-password' });
    await waitUntilReady(port, second);
    expect((await login(port, admin)).status).toBe(200);
    expect((await login(port, { email: admin.email, password: 'a-different-password' })).status).toBe(401);
    second.child.kill('SIGTERM');
    await second.exited;
  });

  it('runs as separate API and worker processes; the worker answers /health and /metrics on METRICS_PORT', async () => {
    const [apiPort, metricsPort] = await Promise.all([findFreePort(), findFreePort()]);
    const shared = { ...withServers(), ...production(), MONGODB_DB_NAME: `process_roles_${randomBytes(4).toString('hex')}` };
    const api = startApp({ ...shared, APP_ROLE: 'api', PORT: String(apiPort) });
    const worker = startApp({ ...shared, APP_ROLE: 'worker', METRICS_PORT: String(metricsPort) });
    await waitUntilReady(apiPort, api);
    await waitUntilReady(metricsPort, worker);
    const scrape = await fetch(`http://127.0.0.1:${metricsPort}/metrics`, { headers: { Authorization: `Bearer ${shared.METRICS_TOKEN}` } });
    expect(scrape.status).toBe(200);
    expect(await scrape.text()).toContain('nfcpay_');
    expect((await fetch(`http://127.0.0.1:${metricsPort}/metrics`)).status).toBe(401);
    // The worker serves no API.
    expect((await fetch(`http://127.0.0.1:${metricsPort}/api/auth/me`)).status).toBe(404);
    for (const running of [api, worker]) running.child.kill('SIGTERM');
    await Promise.all([api.exited, worker.exited]);
  });

  it('makes an admin with `npm run admin -- create`, reading the password from standard input', async () => {
    const db = `process_cli_${randomBytes(4).toString('hex')}`;
    const email = `cli-${randomBytes(3).toString('hex')}@example.com`;
    const cli = spawn(process.execPath, [join(__dirname, '..', 'dist', 'cli', 'admin.js'), 'create', '--email', email], {
      cwd: tmpdir(),
      env: { PATH: process.env.PATH, HOME: process.env.HOME, NFCPAY_CACHE_DIR: process.env.NFCPAY_CACHE_DIR, ...withServers(), MONGODB_DB_NAME: db } as NodeJS.ProcessEnv,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let output = '';
    cli.stdout!.on('data', (chunk) => (output += chunk));
    cli.stderr!.on('data', (chunk) => (output += chunk));
    cli.stdin!.end('cli-made-admin-password\n');
    const code = await new Promise<number | null>((resolve) => cli.once('exit', resolve));
    expect({ code, output }).toMatchObject({ code: 0, output: expect.stringContaining('created') });

    const port = await findFreePort();
    const app = startApp({ ...withServers(), MONGODB_DB_NAME: db, PORT: String(port), NODE_ENV: 'development' });
    await waitUntilReady(port, app);
    const res = await login(port, { email, password: 'cli-made-admin-password' });
    expect(res.status).toBe(200);
    expect(((await res.json()) as { user: { role: string } }).user.role).toBe('admin');
    app.child.kill('SIGTERM');
    await app.exited;
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
