import autocannon from 'autocannon';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import mongoose from 'mongoose';
import { Card, CardSchema } from '../src/cards/schemas/card.schema';
import { Process } from '../test/load/cluster';
import { ferretDbArgs, ferretDbBinary, findOnPath, projectRoot } from '../src/embedded/embedded-servers';
import { findFreePort } from '../src/embedded/free-port';

/**
 * The fleet run of issue 20, measured from outside as a user runs the app: one process of the
 * built app with its default role (API and settlement together), FerretDB on SQLite with
 * synchronous(normal) as `npm start` starts it, Redis, the LocalLedger. One merchant's
 * FLEET_TERMINALS terminals, each with FLEET_CARDS cards tapped about once (so every card lookup
 * is cold, as in a shop), CONNECTIONS connections for SECONDS s; then the authenticated no-op
 * GET /api/auth/me the same way, and the ratio. Rate limits stay on, raised so they never refuse.
 * With MONGODB_MONITOR_COMMANDS the app counts its database commands by origin: request ones
 * per accepted payment, background ones (settlement, sweeps) per settled payment.
 */
const TERMINALS = Number(process.env.FLEET_TERMINALS ?? 10);
const CARDS_PER_TERMINAL = Number(process.env.FLEET_CARDS ?? 3_000);
const HOLDERS = 20;
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 50);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const DRAIN_TIMEOUT_MS = 120_000;
const ADMIN = { email: 'bench-admin@nfcpay.local', password: 'bench-admin-password' };
const METRICS_TOKEN = `bench-metrics-${randomUUID()}`;
const HIGH = '1000000000';

interface Tap {
  cardUuid: string;
  terminal: { terminalId: string; token: string };
}

export async function runFleet(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'nfcpay-fleet-'));
  const ferretdb = ferretDbBinary((line) => console.error(line));
  const redisServer = findOnPath('redis-server');
  if (!ferretdb || !redisServer) throw new Error('the fleet bench needs ferretdb (or Go to build it) and redis-server');
  const [mongoPort, redisPort, appPort] = await Promise.all([findFreePort(), findFreePort(), findFreePort()]);
  const mongoUri = `mongodb://127.0.0.1:${mongoPort}`;
  const dbName = 'fleet';
  const mongo = new Process('ferretdb', ferretdb, ferretDbArgs(dir, mongoPort), process.env, mongoPort);
  const redis = new Process('redis', redisServer, ['--port', String(redisPort), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir], process.env, redisPort);
  await Promise.all([mongo.start(), redis.start()]);
  // FLEET_NODE_ARGS, e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof`, profiles the app.
  const nodeArgs = process.env.FLEET_NODE_ARGS?.split(' ').filter(Boolean) ?? [];
  const app = new Process('app', process.execPath, [...nodeArgs, join(projectRoot, 'dist', 'main.js')], appEnv(mongoUri, dbName, `redis://127.0.0.1:${redisPort}`, appPort), appPort);
  const url = `http://127.0.0.1:${appPort}`;
  try {
    await app.start();
    const seeding = performance.now();
    const world = await seed(url, mongoUri, dbName);
    console.log(
      `fleet: ${TERMINALS} terminals of one merchant, ${world.taps.length} cards (seeded in ${((performance.now() - seeding) / 1000).toFixed(0)} s); ` +
        `one app process (APP_ROLE=all, pid ${app.pid}), FerretDB sqlite (pid ${mongo.pid}), Redis, LocalLedger; ${CONNECTIONS} connections for ${SECONDS} s each\n`,
    );

    let next = 0;
    const before = await scrape(url);
    const cpuBefore = [cpuSeconds(app.pid), cpuSeconds(mongo.pid), cpuSeconds(redis.pid)];
    const accept = await load(url, {
      method: 'POST',
      path: '/api/payment/process-async',
      setupRequest: (request: Record<string, unknown>) => {
        const { cardUuid, terminal } = world.taps[next++ % world.taps.length];
        const body = JSON.stringify({ cardUuid, amount: 1_000 + (next % 5_000), merchantId: world.merchantId, terminalId: terminal.terminalId });
        return { ...request, headers: { 'content-type': 'application/json', authorization: `Bearer ${terminal.token}`, 'idempotency-key': randomUUID() }, body };
      },
    });
    const afterAccept = await scrape(url);
    const cpuAccept = [cpuSeconds(app.pid), cpuSeconds(mongo.pid), cpuSeconds(redis.pid)];
    const drained = await drain(url);
    const afterDrain = await scrape(url);
    const cpuDrain = [cpuSeconds(app.pid), cpuSeconds(mongo.pid), cpuSeconds(redis.pid)];
    const me = await load(url, { method: 'GET', path: '/api/auth/me', headers: { authorization: `Bearer ${world.taps[0].terminal.token}` } });

    const accepted = afterAccept.accepted - before.accepted;
    console.log('route                              2xx/s   p50       p99       non-2xx');
    for (const [name, result] of [['POST /api/payment/process-async', accept], ['GET /api/auth/me (no-op, authed)', me]] as const) {
      const perSecond = result['2xx'] / result.duration;
      console.log(`${name.padEnd(34)} ${perSecond.toFixed(0).padStart(5)}   ${`${result.latency.p50} ms`.padEnd(9)} ${`${result.latency.p99} ms`.padEnd(9)} ${result.non2xx}`);
    }
    const ratio = (me['2xx'] / me.duration) / (accept['2xx'] / accept.duration);
    console.log(`an accept costs ${ratio.toFixed(1)} no-ops (throughput); p99 ${(accept.latency.p99 / Math.max(me.latency.p99, 1)).toFixed(1)}×`);
    const behind = drained.done ? `everything settled ${(drained.ms / 1000).toFixed(1)} s after it` : `NOT all settled ${(drained.ms / 1000).toFixed(0)} s after it`;
    console.log(`${accepted} accepted during the run, ${afterAccept.completed - before.completed} settled by its end; ${behind} (${drained.failed - before.failed} failed)`);

    const settled = afterDrain.completed - before.completed;
    // CPU time, unlike latency, hardly moves with what else the machine runs: the figure to compare between runs on a shared box.
    const ms = (at: number[], from: number[], i: number) => (((at[i] - from[i]) * 1_000) / Math.max(accepted, 1)).toFixed(2);
    console.log(
      `CPU per accepted payment, accept phase (settlement running beside it): app ${ms(cpuAccept, cpuBefore, 0)} ms, FerretDB ${ms(cpuAccept, cpuBefore, 1)} ms, Redis ${ms(cpuAccept, cpuBefore, 2)} ms; ` +
        `accept phase + drain: app ${ms(cpuDrain, cpuBefore, 0)} ms, FerretDB ${ms(cpuDrain, cpuBefore, 1)} ms, Redis ${ms(cpuDrain, cpuBefore, 2)} ms (load average ${loadavg()[0].toFixed(1)} on ${cpus().length} cores)`,
    );
    const request = diff(afterAccept.commands, before.commands, 'request');
    const background = diff(afterDrain.commands, before.commands, 'background');
    if (!Object.keys(request).length) {
      console.log('\n(no database commands counted: is MONGODB_MONITOR_COMMANDS off?)');
    } else {
      printCommands(`database commands per accepted payment (request origin, ${accepted} accepted)`, request, accepted);
      printCommands(`database commands per settled payment (background origin, ${settled} settled; includes sweeps and schedules)`, background, settled);
    }
  } finally {
    await app.stop();
    await Promise.all([redis.stop(), mongo.stop()]);
    rmSync(dir, { recursive: true, force: true });
  }
}

function appEnv(mongoUri: string, dbName: string, redisUrl: string, port: number): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    LOG_LEVEL: 'error',
    LOG_FORMAT: 'json',
    HOST: '127.0.0.1',
    PORT: String(port),
    MONGODB_URI: mongoUri,
    MONGODB_DB_NAME: dbName,
    MONGODB_MONITOR_COMMANDS: process.env.MONGODB_MONITOR_COMMANDS ?? 'true',
    REDIS_URL: redisUrl,
    REDIS_KEY_PREFIX: 'fleet:',
    ADMIN_EMAIL: ADMIN.email,
    ADMIN_PASSWORD: ADMIN.password,
    METRICS_TOKEN,
    JWT_SECRET: 'fleet-jwt-Zq8v2Lm9Xk4Rw7Yc0bN6hJ3sFd5GtP1e',
    WALLET_MASTER_KEY: Buffer.alloc(32, 7).toString('base64'),
    // On, but never refusing: their Redis round trips are paid as in production.
    THROTTLE_ENABLED: 'true',
    THROTTLE_PAYMENT_LIMIT: HIGH,
    THROTTLE_PAYMENT_CARD_LIMIT: HIGH,
    THROTTLE_NFC_LIMIT: HIGH,
    THROTTLE_AUTH_IP_LIMIT: HIGH,
    THROTTLE_AUTH_ACCOUNT_LIMIT: HIGH,
    ...Object.fromEntries(Object.entries(process.env).filter(([name]) => name.startsWith('APP_') || name.startsWith('SUI_') || name.startsWith('OUTBOX_'))),
  };
}

/** utime + stime of a process (all its threads), from /proc. */
function cpuSeconds(pid: number | undefined): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
}
const CLOCK_TICKS = 100;

function load(url: string, request: Record<string, unknown>): Promise<autocannon.Result> {
  return autocannon({ url, connections: CONNECTIONS, duration: SECONDS, requests: [request as autocannon.Request] });
}

async function seed(url: string, mongoUri: string, dbName: string): Promise<{ merchantId: string; taps: Tap[] }> {
  const post = async (path: string, body: unknown, token?: string) => {
    const res = await fetch(`${url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...(token && { authorization: `Bearer ${token}` }) }, body: JSON.stringify(body) });
    const json = (await res.json()) as Record<string, any>;
    if (res.status >= 300) throw new Error(`${path}: ${res.status} ${JSON.stringify(json)}`);
    return json;
  };
  const admin = (await post('/api/auth/login', ADMIN)).accessToken as string;
  // Each card is tapped about once, but a shop's fleet taps far more often than a cardholder: turn off the cadence rules.
  const off = { enabled: false };
  await fetch(`${url}/api/fraud/rules`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${admin}` },
    body: JSON.stringify({ rules: { velocity: off, amountAnomaly: off, hopping: off, cardTesting: off } }),
  });
  const merchantId = `FLEET_${randomUUID().slice(0, 8)}`;
  await post('/api/merchants', { merchantId, name: 'Fleet Market', walletAddress: `0x${randomUUID().replace(/-/g, '')}${randomUUID().replace(/-/g, '')}` }, admin);
  const terminals = await Promise.all(
    Array.from({ length: TERMINALS }, async (_, i) => {
      const terminalId = `lane-${i + 1}`;
      const { terminalSecret } = await post(`/api/merchants/${merchantId}/terminals`, { terminalId }, admin);
      return { terminalId, token: (await post('/api/auth/terminal/token', { terminalId, terminalSecret })).accessToken as string };
    }),
  );
  await Promise.all(
    Array.from({ length: HOLDERS }, (_, h) => post('/api/auth/register', { email: `fleet-${h}-${randomUUID().slice(0, 6)}@example.com`, password: 'fleet-password', fullName: `Fleet ${h}` })),
  );
  // Registration answers without the id (it never tells whether an email was known).
  const connection = await mongoose.createConnection(mongoUri, { dbName }).asPromise();
  const taps: Tap[] = [];
  try {
    const ownerIds = (await connection.collection('users').find({ role: 'user' }).toArray()).map((user) => String(user._id));
    // Written with the app's own schema as registration writes them, and so not in the card cache, as a card tapped once a day is not.
    const revision = Date.now() * 1000;
    const cards = Array.from({ length: TERMINALS * CARDS_PER_TERMINAL }, (_, i) => {
      const cardUuid = `fleet-card-${i}-${randomUUID().slice(0, 8)}`;
      // Interleaved, so consecutive taps come from different lanes.
      taps.push({ cardUuid, terminal: terminals[i % TERMINALS] });
      return { cardUuid, ownerId: ownerIds[i % ownerIds.length], status: 'active', revision };
    });
    const model = connection.model(Card.name, CardSchema);
    for (let i = 0; i < cards.length; i += 1_000) await model.insertMany(cards.slice(i, i + 1_000));
  } finally {
    await connection.close();
  }
  return { merchantId, taps };
}

interface Scrape {
  accepted: number;
  completed: number;
  failed: number;
  commands: Map<string, number>;
}

async function scrape(url: string): Promise<Scrape> {
  const text = await (await fetch(`${url}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } })).text();
  const single = (name: string) => Number(new RegExp(`^${name} (\\S+)$`, 'm').exec(text)?.[1] ?? 0);
  const commands = new Map<string, number>();
  for (const match of text.matchAll(/^nfcpay_db_commands_total\{command="([^"]*)",collection="([^"]*)",origin="([^"]*)",filter="([^"]*)"\} (\S+)$/gm)) {
    commands.set(`${match[3]} ${match[1]} ${match[2]}${match[4] ? ` by ${match[4]}` : ''}`, Number(match[5]));
  }
  return { accepted: single('nfcpay_payments_accepted_total'), completed: single('nfcpay_payments_completed_total'), failed: single('nfcpay_payments_failed_total'), commands };
}

/** Waits until everything accepted is settled (or gives up). */
async function drain(url: string): Promise<{ done: boolean; ms: number; completed: number; failed: number }> {
  const start = performance.now();
  for (;;) {
    const now = await scrape(url);
    const done = now.completed + now.failed >= now.accepted;
    if (done || performance.now() - start > DRAIN_TIMEOUT_MS) return { done, ms: performance.now() - start, completed: now.completed, failed: now.failed };
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

function diff(later: Map<string, number>, earlier: Map<string, number>, origin: string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [key, value] of later) {
    if (!key.startsWith(`${origin} `)) continue;
    const delta = value - (earlier.get(key) ?? 0);
    if (delta > 0) out[key.slice(origin.length + 1)] = delta;
  }
  return out;
}

function printCommands(title: string, counts: Record<string, number>, per: number): void {
  const total = Object.values(counts).reduce((a, b) => a + b, 0);
  console.log(`\n${title}: ${(total / Math.max(per, 1)).toFixed(2)}`);
  for (const [key, count] of Object.entries(counts).sort((a, b) => b[1] - a[1])) {
    console.log(`  ${(count / Math.max(per, 1)).toFixed(2).padStart(6)}  ${key}`);
  }
}
