import { ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ferretDbArgs, ferretDbBinary, findOnPath, projectRoot } from '../../src/embedded/embedded-servers';
import { findFreePort } from '../../src/embedded/free-port';
import { waitForPort } from '../../src/embedded/wait-for-port';

/**
 * The whole system as it runs at scale on one machine: FerretDB and Redis (restartable on their
 * own ports and data), two API processes and one worker process of the built app, all on loopback.
 */
export interface ClusterOptions {
  env?: Record<string, string>;
  log?: (line: string) => void;
}

const MAIN = join(projectRoot, 'dist', 'main.js');

export class Process {
  child?: ChildProcess;

  constructor(
    readonly name: string,
    private readonly command: string,
    private readonly args: string[],
    private readonly env: NodeJS.ProcessEnv,
    readonly port: number,
    /** For a process that listens on no port: the stdout line that says it is up. */
    private readonly readyLine?: RegExp,
  ) {}

  async start(): Promise<void> {
    this.child = spawn(this.command, this.args, { env: this.env, stdio: ['ignore', 'pipe', 'pipe'] });
    let errors = '';
    this.child.stderr!.on('data', (chunk) => (errors = (errors + chunk).slice(-2_000)));
    if (!this.readyLine) {
      this.child.stdout!.on('data', () => undefined);
      return waitForPort(this.port, 60_000, () => this.alive);
    }
    let output = '';
    await new Promise<void>((resolve, reject) => {
      this.child!.stdout!.on('data', (chunk) => {
        output += chunk;
        if (this.readyLine!.test(output)) resolve();
      });
      this.child!.once('exit', (code) => reject(new Error(`${this.name} exited with ${code} before it was up: ${errors}${output.slice(-1_000)}`)));
    });
  }

  get alive(): boolean {
    return !!this.child && this.child.exitCode === null && this.child.signalCode === null;
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  /** Resident memory in MiB, from /proc. */
  rssMiB(): number | undefined {
    try {
      const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${this.pid}/status`, 'utf8'));
      return match ? Math.round(Number(match[1]) / 1024) : undefined;
    } catch {
      return undefined;
    }
  }

  async stop(signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
    if (!this.alive) return;
    const exited = new Promise<void>((resolve) => this.child!.once('exit', () => resolve()));
    this.child!.kill(signal);
    const force = setTimeout(() => this.child?.kill('SIGKILL'), 20_000);
    await exited;
    clearTimeout(force);
  }
}

export class Cluster {
  readonly dir = mkdtempSync(join(tmpdir(), 'nfcpay-soak-'));
  mongo!: Process;
  redis!: Process;
  apis: Process[] = [];
  worker!: Process;
  mongoUri!: string;
  redisUrl!: string;
  readonly admin = { email: 'soak-admin@nfcpay.local', password: 'soak-admin-password' };

  constructor(private readonly options: ClusterOptions = {}) {}

  async start(): Promise<void> {
    const ferretdb = ferretDbBinary(this.options.log);
    const redisServer = findOnPath('redis-server');
    if (!ferretdb || !redisServer) throw new Error('the soak harness needs ferretdb (or Go to build it) and redis-server');
    const [mongoPort, redisPort, api1, api2] = await Promise.all([findFreePort(), findFreePort(), findFreePort(), findFreePort()]);
    this.mongoUri = `mongodb://127.0.0.1:${mongoPort}`;
    this.redisUrl = `redis://127.0.0.1:${redisPort}`;
    // The same server settings as `npm start` and the tests use.
    this.mongo = new Process('ferretdb', ferretdb, ferretDbArgs(this.dir, mongoPort), process.env, mongoPort);
    this.redis = new Process('redis', redisServer, ['--port', String(redisPort), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', this.dir], process.env, redisPort);
    await Promise.all([this.mongo.start(), this.redis.start()]);

    const common = this.appEnv();
    this.apis = [api1, api2].map((port, i) => new Process(`api-${i + 1}`, process.execPath, [MAIN], { ...common, PORT: String(port), APP_ROLE: 'api' }, port));
    this.worker = new Process('worker', process.execPath, [MAIN], { ...common, APP_ROLE: 'worker', METRICS_PORT: '0' }, 0, /role worker/);
    await Promise.all([...this.apis, this.worker].map((p) => p.start()));
  }

  processes(): Process[] {
    return [...this.apis, this.worker];
  }

  apiUrl(i: number): string {
    return `http://127.0.0.1:${this.apis[i].port}`;
  }

  async stop(): Promise<void> {
    await Promise.all(this.processes().map((p) => p.stop('SIGTERM')));
    await Promise.all([this.redis.stop(), this.mongo.stop()]);
    rmSync(this.dir, { recursive: true, force: true });
  }

  private appEnv(): NodeJS.ProcessEnv {
    return {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      NODE_ENV: 'development',
      LOG_LEVEL: 'error',
      LOG_FORMAT: 'json',
      HOST: '127.0.0.1',
      MONGODB_URI: this.mongoUri,
      MONGODB_DB_NAME: 'soak',
      REDIS_URL: this.redisUrl,
      REDIS_KEY_PREFIX: 'soak:',
      ADMIN_EMAIL: this.admin.email,
      ADMIN_PASSWORD: this.admin.password,
      JWT_SECRET: 'soak-jwt-Zq8v2Lm9Xk4Rw7Yc0bN6hJ3sFd5GtP1e',
      WALLET_MASTER_KEY: Buffer.alloc(32, 7).toString('base64'),
      THROTTLE_ENABLED: 'false',
      WEBHOOK_ALLOW_PRIVATE_URLS: 'true',
      // A killed worker's leases and job locks lapse in seconds, so recovery is measured, not waited out.
      WALLET_LEASE_TTL_MS: '11000',
      SUI_SUBMIT_TIMEOUT_MS: '1000',
      QUEUE_LOCK_DURATION_MS: '2000',
      QUEUE_STALLED_INTERVAL_MS: '1000',
      OUTBOX_SWEEP_INTERVAL_MS: '5000',
      ...this.options.env,
    };
  }
}
