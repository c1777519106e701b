import { randomUUID } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { MongoClient } from 'mongodb';
import { io, Socket } from 'socket.io-client';
import { Cluster, Process } from './cluster';

/**
 * `npm run soak -- --scenario <name> [--rate 50] [--seconds 30]`: drives payments at a fixed
 * rate through two API processes while one worker settles them, injects the scenario's fault a
 * third of the way in, then reconciles MongoDB, the ledger and what the sockets saw.
 */
export const SCENARIOS = ['baseline', 'kill-worker', 'kill-api', 'restart-redis', 'stop-mongo', 'settlement-faults'] as const;
export type Scenario = (typeof SCENARIOS)[number];

export interface SoakOptions {
  scenario: Scenario;
  rate: number;
  seconds: number;
  /** Cardholders (each with CARDS_PER_USER cards and one socket). */
  users?: number;
  /** The section of docs/reliability.md to write; defaults to the scenario's name. */
  reportAs?: string;
  log?: (line: string) => void;
}

/** Amounts (VND) the ledger is told to fail in the settlement-faults scenario. */
const FLAKY_AMOUNT = 1_313;
const DOOMED_AMOUNT = 1_717;
const DAILY_LIMIT = 2_000_000;
const DEFAULT_USERS = 20;
const CARDS_PER_USER = 5;
const RETRY_FOR_MS = 60_000;
const SETTLE_WAIT_MS = 90_000;

interface Holder {
  id: string;
  token: string;
  cards: string[];
  socket?: Socket;
}
interface Tap {
  key: string;
  cardUuid: string;
  holder: Holder;
  amount: number;
  startedAt: number;
  firstTryLatencyMs?: number;
  attempts: number;
  status?: number;
  transactionId?: string;
  declineCode?: string;
}

export interface SoakReport {
  scenario: Scenario;
  rate: number;
  seconds: number;
  tapsSent: number;
  accepted: number;
  declined: number;
  gaveUp: number;
  byStatus: Record<string, number>;
  ledgerTransfers: number;
  acceptedPerSecond: number;
  acceptP50Ms: number;
  acceptP99Ms: number;
  settleP50Ms: number;
  settleP99Ms: number;
  socketEvents: number;
  eventsPerSecond: number;
  outageAnswers: Record<string, number>;
  recoveryMs: number | null;
  memoryMiB: Record<string, { start?: number; end?: number }>;
  /** Resident memory of each process at even intervals through the load, to tell a leak from warm-up. */
  memorySamples: { atSeconds: number; mib: Record<string, number | undefined> }[];
  invariants: { name: string; holds: boolean; detail: string }[];
}

export async function runSoak(options: SoakOptions): Promise<SoakReport> {
  const log = options.log ?? ((line: string) => console.log(line));
  const faults = options.scenario === 'settlement-faults' ? { LOCAL_LEDGER_FAULTS: `${FLAKY_AMOUNT * 1000}:transient:2,${DOOMED_AMOUNT * 1000}:permanent` } : undefined;
  const cluster = new Cluster({ env: faults, log });
  await cluster.start();
  try {
    log(`cluster up: ${cluster.processes().map((p) => `${p.name} (pid ${p.pid})`).join(', ')}`);
    const world = await seed(cluster, options.users ?? DEFAULT_USERS);
    const memoryStart = memory(cluster);
    const events = listen(cluster, world.holders);
    const drive = new Driver(cluster, world, options.rate);
    const faultAt = Math.round((options.seconds * 1000) / 3);
    const fault = injectLater(cluster, options.scenario, faultAt, log);
    const started = Date.now();
    const sampler = sampleMemory(cluster, started, options.seconds);
    await drive.run(options.seconds * 1000, options.scenario === 'settlement-faults' ? [FLAKY_AMOUNT, DOOMED_AMOUNT] : []);
    const faultEnd = await fault;
    const memorySamples = sampler.stop();
    const loadSeconds = (Date.now() - started) / 1000;
    log(`load done: ${drive.taps.length} taps sent; waiting for settlement`);
    const settled = await waitUntilSettled(cluster);
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    const report = await reconcile(cluster, options, drive, events, settled, loadSeconds, faultEnd, memoryStart, memory(cluster), memorySamples);
    for (const holder of world.holders) holder.socket?.disconnect();
    return report;
  } finally {
    await cluster.stop();
  }
}

async function api(url: string, method: string, path: string, token?: string, body?: unknown, headers: Record<string, string> = {}) {
  const res = await fetch(`${url}${path}`, {
    method,
    headers: { 'content-type': 'application/json', ...(token && { authorization: `Bearer ${token}` }), ...headers },
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(10_000),
  });
  return { status: res.status, headers: res.headers, body: (await res.json().catch(() => ({}))) as Record<string, any> };
}

async function must(call: Promise<{ status: number; body: Record<string, any> }>) {
  const res = await call;
  if (res.status >= 300) throw new Error(`seeding failed: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

interface World {
  holders: Holder[];
  terminals: { terminalId: string; merchantId: string; token: string; wallet: string }[];
}

async function seed(cluster: Cluster, users: number): Promise<World> {
  const url = cluster.apiUrl(0);
  const admin = (await must(api(url, 'POST', '/api/auth/login', undefined, cluster.admin))).accessToken;
  const off = { enabled: false };
  // Many taps per card on purpose: the cadence rules would rightly block them. Lists stay on.
  await must(api(url, 'PUT', '/api/fraud/rules', admin, { rules: { velocity: off, amountAnomaly: off, hopping: off, cardTesting: off, firstUseLargeAmount: off } }));
  const terminals: World['terminals'] = [];
  for (let m = 0; m < 3; m++) {
    const merchantId = `SOAK_M${m}`;
    const wallet = `0x${randomUUID().replace(/-/g, '')}${randomUUID().replace(/-/g, '')}`;
    await must(api(url, 'POST', '/api/merchants', admin, { merchantId, name: `Soak merchant ${m}`, walletAddress: wallet }));
    for (let t = 0; t < 2; t++) {
      const terminalId = `soak-m${m}-t${t}`;
      const { terminalSecret } = await must(api(url, 'POST', `/api/merchants/${merchantId}/terminals`, admin, { terminalId }));
      const { accessToken } = await must(api(url, 'POST', '/api/auth/terminal/token', undefined, { terminalId, terminalSecret }));
      terminals.push({ terminalId, merchantId, token: accessToken, wallet });
    }
  }
  const holders: Holder[] = [];
  for (let u = 0; u < users; u++) {
    const credentials = { email: `soak-${u}@example.com`, password: 'soak-password' };
    await must(api(url, 'POST', '/api/auth/register', undefined, { ...credentials, fullName: `Soak ${u}` }));
    const session = await must(api(url, 'POST', '/api/auth/login', undefined, credentials));
    const holder: Holder = { id: session.user.id, token: session.accessToken, cards: [] };
    for (let c = 0; c < CARDS_PER_USER; c++) {
      const cardUuid = `soak-u${u}-c${c}`;
      await must(api(url, 'POST', '/api/cards', holder.token, { cardUuid, dailyLimit: DAILY_LIMIT, singleTransactionLimit: 500_000 }));
      holder.cards.push(cardUuid);
    }
    holders.push(holder);
  }
  return { holders, terminals };
}

interface SocketLog {
  completed: Map<string, number>;
  failed: Map<string, number>;
  total: number;
}

/** One socket per cardholder, alternating between the API processes; reconnects on its own. */
function listen(cluster: Cluster, holders: Holder[]): SocketLog {
  const seen: SocketLog = { completed: new Map(), failed: new Map(), total: 0 };
  holders.forEach((holder, i) => {
    const socket = io(cluster.apiUrl(i % 2), { path: '/nfc-ws', auth: { token: holder.token }, transports: ['websocket'], reconnectionDelay: 200, reconnectionDelayMax: 1_000 });
    socket.on('transaction:completed', (event: { transactionId: string }) => void (seen.total++, seen.completed.set(event.transactionId, Date.now())));
    socket.on('transaction:failed', (event: { transactionId: string }) => void (seen.total++, seen.failed.set(event.transactionId, Date.now())));
    socket.on('transaction:update', () => void seen.total++);
    holder.socket = socket;
  });
  return seen;
}

class Driver {
  readonly taps: Tap[] = [];
  readonly outageAnswers: Record<string, number> = {};
  private next = 0;

  constructor(
    private readonly cluster: Cluster,
    private readonly world: World,
    private readonly rate: number,
  ) {}

  /** Sends taps at the fixed rate for `durationMs`; resolves when every tap has an answer or gave up. */
  async run(durationMs: number, specialAmounts: number[]): Promise<void> {
    const inFlight: Promise<void>[] = [];
    const started = Date.now();
    for (let i = 0; Date.now() - started < durationMs; i++) {
      const due = started + (i * 1000) / this.rate;
      if (due > Date.now()) await new Promise((resolve) => setTimeout(resolve, due - Date.now()));
      const special = i === Math.floor(this.rate) ? specialAmounts : [];
      for (const amount of [undefined, ...special]) inFlight.push(this.tap(amount));
    }
    await Promise.all(inFlight);
  }

  private async tap(amount?: number): Promise<void> {
    const holder = this.world.holders[this.next % this.world.holders.length];
    const cardUuid = holder.cards[Math.floor(this.next / this.world.holders.length) % holder.cards.length];
    const terminal = this.world.terminals[this.next % this.world.terminals.length];
    this.next++;
    const tap: Tap = { key: randomUUID(), cardUuid, holder, amount: amount ?? 1_000 + Math.floor(Math.random() * 9_000), startedAt: Date.now(), attempts: 0 };
    if (tap.amount === FLAKY_AMOUNT || tap.amount === DOOMED_AMOUNT) tap.amount += amount === undefined ? 1 : 0;
    this.taps.push(tap);
    const body = { cardUuid, amount: tap.amount, merchantId: terminal.merchantId, terminalId: terminal.terminalId };
    while (Date.now() - tap.startedAt < RETRY_FOR_MS) {
      const target = this.cluster.apiUrl((this.next + tap.attempts) % 2);
      const sent = Date.now();
      tap.attempts++;
      try {
        // The client retries with the same Idempotency-Key, so a retry is never a second payment.
        const res = await api(target, 'POST', '/api/payment/process-async', terminal.token, body, { 'idempotency-key': tap.key });
        if (tap.attempts === 1) tap.firstTryLatencyMs = Date.now() - sent;
        if (res.status === 202 || res.status === 400) {
          tap.status = res.status;
          tap.transactionId = res.body.transactionId;
          tap.declineCode = res.body.declineCode;
          if (res.status === 202) holder.socket?.emit('subscribe:transaction', tap.transactionId, () => undefined);
          return;
        }
        this.outageAnswers[String(res.status)] = (this.outageAnswers[String(res.status)] ?? 0) + 1;
        const retryAfter = Number(res.headers.get('retry-after') ?? 0.2);
        await new Promise((resolve) => setTimeout(resolve, Math.min(retryAfter, 2) * 1000));
      } catch {
        this.outageAnswers.network = (this.outageAnswers.network ?? 0) + 1;
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
    }
  }
}

function injectLater(cluster: Cluster, scenario: Scenario, atMs: number, log: (line: string) => void): Promise<number | null> {
  const restart = async (process: Process, signal: NodeJS.Signals, downMs: number) => {
    log(`fault: ${signal} ${process.name} (pid ${process.pid}), back in ${downMs} ms`);
    await process.stop(signal);
    await new Promise((resolve) => setTimeout(resolve, downMs));
    await process.start();
    log(`fault over: ${process.name} is back (pid ${process.pid})`);
    return Date.now();
  };
  return new Promise((resolve, reject) =>
    setTimeout(() => {
      const faults: Record<Scenario, () => Promise<number | null>> = {
        baseline: async () => null,
        'settlement-faults': async () => null,
        'kill-worker': () => restart(cluster.worker, 'SIGKILL', 1_000),
        'kill-api': () => restart(cluster.apis[0], 'SIGKILL', 3_000),
        'restart-redis': () => restart(cluster.redis, 'SIGTERM', 1_000),
        'stop-mongo': () => restart(cluster.mongo, 'SIGTERM', 10_000),
      };
      faults[scenario]().then(resolve, reject);
    }, atMs),
  );
}

async function waitUntilSettled(cluster: Cluster): Promise<boolean> {
  const client = await MongoClient.connect(cluster.mongoUri);
  try {
    const deadline = Date.now() + SETTLE_WAIT_MS;
    while (Date.now() < deadline) {
      const open = await client.db('soak').collection('transactions').countDocuments({ status: { $in: ['pending', 'processing'] } });
      if (open === 0) return true;
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
    return false;
  } finally {
    await client.close();
  }
}

function memory(cluster: Cluster): Record<string, number | undefined> {
  return Object.fromEntries(cluster.processes().map((p) => [p.name, p.rssMiB()]));
}

/** Ten samples across the load (at least 10 s apart). */
function sampleMemory(cluster: Cluster, startedAt: number, seconds: number): { stop(): SoakReport['memorySamples'] } {
  const samples: SoakReport['memorySamples'] = [];
  const timer = setInterval(
    () => samples.push({ atSeconds: Math.round((Date.now() - startedAt) / 1000), mib: memory(cluster) }),
    Math.max(10, seconds / 10) * 1000,
  );
  return { stop: () => (clearInterval(timer), samples) };
}

function percentile(values: number[], p: number): number {
  if (!values.length) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

async function reconcile(
  cluster: Cluster,
  options: SoakOptions,
  drive: Driver,
  events: SocketLog,
  settled: boolean,
  loadSeconds: number,
  faultEnd: number | null,
  memoryStart: Record<string, number | undefined>,
  memoryEnd: Record<string, number | undefined>,
  memorySamples: SoakReport['memorySamples'],
): Promise<SoakReport> {
  const client = await MongoClient.connect(cluster.mongoUri);
  try {
    const db = client.db('soak');
    // The ledger first: while settlement still runs, a transfer read here has a payment that is
    // processing or completed in the read below, so the two snapshots never look like two transfers.
    const ledger = await db.collection('ledger_transactions').find({}, { projection: { _id: 1 } }).toArray();
    const transactions = await db
      .collection('transactions')
      .find({}, { projection: { transactionId: 1, status: 1, cardUuid: 1, amount: 1, txHash: 1, createdAt: 1, completedAt: 1, merchantId: 1, failureReason: 1 } })
      .toArray();
    const ledgerDigests = new Set(ledger.map((t) => String(t._id)));
    const byId = new Map(transactions.map((t) => [t.transactionId as string, t]));
    const byStatus: Record<string, number> = {};
    for (const t of transactions) byStatus[t.status] = (byStatus[t.status] ?? 0) + 1;

    const accepted = drive.taps.filter((t) => t.status === 202);
    const completed = transactions.filter((t) => t.status === 'completed');
    const invariants: SoakReport['invariants'] = [];
    const check = (name: string, holds: boolean, detail: string) => invariants.push({ name, holds, detail });

    const lost = accepted.filter((t) => !byId.has(t.transactionId!));
    check('every accepted payment is recorded', lost.length === 0, `${lost.length} of ${accepted.length} acknowledged payments missing`);
    const open = transactions.filter((t) => t.status === 'pending' || t.status === 'processing');
    check('every accepted payment reaches a final state', settled && open.length === 0, `${open.length} still pending or processing`);
    const unmatched = completed.filter((t) => !ledgerDigests.has(t.txHash));
    check('every completed payment has its transfer on the ledger', unmatched.length === 0, `${unmatched.length} completed without a ledger transfer`);
    // A payment still processing may have its transfer on the ledger already; never more than one each.
    const processing = transactions.filter((t) => t.status === 'processing').length;
    check(
      'no payment has two transfers (ledger transfers = completed payments)',
      settled ? ledger.length === completed.length : ledger.length <= completed.length + processing,
      `${ledger.length} ledger transfers for ${completed.length} completed${settled ? '' : ` and ${processing} processing`} payments`,
    );
    const hashes = new Set(completed.map((t) => t.txHash));
    check('no two payments share a transfer', hashes.size === completed.length, `${completed.length - hashes.size} shared`);
    const spent = new Map<string, number>();
    for (const t of transactions) if (['pending', 'processing', 'completed'].includes(t.status)) spent.set(t.cardUuid, (spent.get(t.cardUuid) ?? 0) + t.amount);
    const over = [...spent].filter(([, sum]) => sum > DAILY_LIMIT);
    check('no card exceeded its daily limit', over.length === 0, `${over.length} cards over ${DAILY_LIMIT}`);
    const unseen = completed.filter((t) => !events.completed.has(t.transactionId));
    check("every completed payment's cardholder saw transaction:completed", unseen.length === 0, `${unseen.length} of ${completed.length} not seen`);
    const duplicateKeys = accepted.length - new Set(accepted.map((t) => t.transactionId)).size;
    check('one tap is one payment (idempotent retries)', duplicateKeys === 0, `${duplicateKeys} taps share a payment`);
    if (options.scenario === 'settlement-faults') {
      const flaky = transactions.find((t) => t.amount === FLAKY_AMOUNT);
      const doomed = transactions.find((t) => t.amount === DOOMED_AMOUNT);
      check('a settlement failing transiently twice still completes', flaky?.status === 'completed', `it ended ${flaky?.status} ${flaky?.failureReason ?? ''}`);
      check('a settlement failing permanently fails', doomed?.status === 'failed', `it ended ${doomed?.status} ${doomed?.failureReason ?? ''}`);
    }

    const settleMs = completed.filter((t) => t.completedAt).map((t) => new Date(t.completedAt).getTime() - new Date(t.createdAt).getTime());
    const firstTry = accepted.filter((t) => t.attempts === 1 && t.firstTryLatencyMs !== undefined).map((t) => t.firstTryLatencyMs!);
    const recoveredAt = faultEnd === null ? null : Math.min(...accepted.filter((t) => t.startedAt >= faultEnd).map((t) => t.startedAt + (t.firstTryLatencyMs ?? 0)));
    return {
      scenario: options.scenario,
      rate: options.rate,
      seconds: options.seconds,
      tapsSent: drive.taps.length,
      accepted: accepted.length,
      declined: drive.taps.filter((t) => t.status === 400).length,
      gaveUp: drive.taps.filter((t) => t.status === undefined).length,
      byStatus,
      ledgerTransfers: ledger.length,
      acceptedPerSecond: Math.round(accepted.length / loadSeconds),
      acceptP50Ms: percentile(firstTry, 50),
      acceptP99Ms: percentile(firstTry, 99),
      settleP50Ms: percentile(settleMs, 50),
      settleP99Ms: percentile(settleMs, 99),
      socketEvents: events.total,
      eventsPerSecond: Math.round(events.total / loadSeconds),
      outageAnswers: drive.outageAnswers,
      recoveryMs: recoveredAt === null || !Number.isFinite(recoveredAt) ? null : Math.max(0, recoveredAt - faultEnd!),
      memoryMiB: Object.fromEntries(Object.keys(memoryEnd).map((name) => [name, { start: memoryStart[name], end: memoryEnd[name] }])),
      memorySamples,
      invariants,
    };
  } finally {
    await client.close();
  }
}

export function formatReport(report: SoakReport): string {
  const lines = [
    `### Scenario \`${report.scenario}\` — ${report.rate} taps/s for ${report.seconds} s (${new Date().toISOString().slice(0, 16)}Z)`,
    '',
    `| figure | value |`,
    `|---|---|`,
    `| taps sent / accepted / declined / gave up | ${report.tapsSent} / ${report.accepted} / ${report.declined} / ${report.gaveUp} |`,
    `| payments by status (MongoDB) | ${Object.entries(report.byStatus).map(([k, v]) => `${k} ${v}`).join(', ')} |`,
    `| transfers on the ledger | ${report.ledgerTransfers} |`,
    `| accepted payments per second | ${report.acceptedPerSecond} |`,
    `| accept latency p50 / p99 (first try) | ${report.acceptP50Ms} ms / ${report.acceptP99Ms} ms |`,
    `| accept → completed p50 / p99 | ${report.settleP50Ms} ms / ${report.settleP99Ms} ms |`,
    `| socket events received (per second) | ${report.socketEvents} (${report.eventsPerSecond}/s) |`,
    `| answers other than 202/400 during the run | ${Object.entries(report.outageAnswers).map(([k, v]) => `${k}: ${v}`).join(', ') || 'none'} |`,
    `| recovery (fault over → next payment accepted) | ${report.recoveryMs === null ? 'n/a' : `${report.recoveryMs} ms`} |`,
    `| memory, MiB (start → end) | ${Object.entries(report.memoryMiB).map(([k, v]) => `${k} ${v.start ?? '?'} → ${v.end ?? '?'}`).join(', ')} |`,
    ...(report.memorySamples.length ? [`| memory, MiB, through the load | ${formatSamples(report)} |`] : []),
    '',
    '| invariant | holds | detail |',
    '|---|---|---|',
    ...report.invariants.map((i) => `| ${i.name} | ${i.holds ? 'yes' : '**NO**'} | ${i.detail} |`),
    '',
  ];
  return lines.join('\n');
}

function formatSamples(report: SoakReport): string {
  const names = Object.keys(report.memoryMiB);
  return names.map((name) => `${name} ${report.memorySamples.map((s) => s.mib[name] ?? '?').join(' ')}`).join('; ') + ` (at ${report.memorySamples.map((s) => `${s.atSeconds}`).join(', ')} s)`;
}

/** Keeps one section per report name (the scenario's by default) in docs/reliability.md, replacing the last run's. */
function writeReport(report: SoakReport, name: string): void {
  const file = join(process.cwd(), 'docs', 'reliability.md');
  mkdirSync(join(file, '..'), { recursive: true });
  const begin = `<!-- soak:${name}:begin -->`;
  const end = `<!-- soak:${name}:end -->`;
  const section = `${begin}\n${formatReport(report)}${end}`;
  let doc = existsSync(file) ? readFileSync(file, 'utf8') : '# Reliability\n\nWritten by `npm run soak`; see the README for what each scenario does.\n\n';
  doc = doc.includes(begin) ? doc.replace(new RegExp(`${begin}[\\s\\S]*?${end}`), section) : `${doc.trimEnd()}\n\n${section}\n`;
  writeFileSync(file, doc);
}

function parseArgs(argv: string[]): SoakOptions {
  const value = (name: string, fallback: string) => {
    const i = argv.indexOf(`--${name}`);
    return i >= 0 ? argv[i + 1] : fallback;
  };
  const scenario = value('scenario', 'baseline') as Scenario;
  if (!SCENARIOS.includes(scenario)) throw new Error(`--scenario must be one of ${SCENARIOS.join(', ')}`);
  return {
    scenario,
    rate: Number(value('rate', '50')),
    seconds: Number(value('seconds', '30')),
    users: Number(value('users', String(DEFAULT_USERS))),
    reportAs: value('report-as', scenario),
  };
}

if (require.main === module) {
  const options = parseArgs(process.argv.slice(2));
  runSoak(options)
    .then((report) => {
      console.log(`\n${formatReport(report)}`);
      writeReport(report, options.reportAs ?? options.scenario);
      const broken = report.invariants.filter((i) => !i.holds);
      if (broken.length) {
        console.error(`${broken.length} invariant(s) broken`);
        process.exit(1);
      }
    })
    .catch((error) => {
      console.error(error);
      process.exit(1);
    });
}
