import { ChildProcess, spawn, spawnSync } from 'node:child_process';
import { chmodSync, cpSync, existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { projectRoot } from '../config/project-root';
import { withTimeout } from '../common/time/with-timeout';
import { findFreePort } from './free-port';
import { waitForPort } from './wait-for-port';

/**
 * Finds or starts the servers the app needs when none is configured, so that `npm start` and the
 * test suite work on a bare machine: a MongoDB-compatible server and a Redis server, each on a
 * free loopback port in a throw-away directory.
 */
export interface EmbeddedServer {
  readonly uri: string;
  /** What is serving, e.g. "ferretdb (sqlite)" or "redis-server". */
  readonly via: string;
  /** Why this one, for the start banner (e.g. "no mongod on PATH, no download possible"). */
  readonly why?: string;
  stop(): Promise<void>;
}

const FERRETDB_MODULE = 'github.com/FerretDB/FerretDB';
const FERRETDB_VERSION = 'v1.24.2';
const STARTUP_TIMEOUT_MS = 30_000;

export { projectRoot };
/** How long a mongod download may take to start before FerretDB is built instead (no internet: it fails at once). */
const DOWNLOAD_GIVE_UP_MS = 4_000;
const cacheBin = join(process.env.NFCPAY_CACHE_DIR ?? join(projectRoot, '.cache'), 'bin');
// Named after the version and the patches, so a binary built without them is never reused.
const ferretDbTarget = join(cacheBin, `ferretdb-${FERRETDB_VERSION}-indexed-id-pool400`);

export function findOnPath(binary: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    const candidate = join(dir, binary);
    if (dir && existsSync(candidate)) return candidate;
  }
  return undefined;
}

/**
 * The real thing where it can be had: a mongod on PATH, then a ferretdb on PATH, then a real mongod
 * downloaded by mongodb-memory-server, and only then FerretDB built from the Go module proxy.
 */
export async function startMongo(log: (line: string) => void = console.log): Promise<EmbeddedServer> {
  const mongod = findOnPath('mongod');
  if (mongod) return { ...(await startMongod(mongod)), why: 'mongod found on PATH' };
  const ferretdb = findOnPath('ferretdb');
  if (ferretdb) return { ...(await startFerretDb(ferretdb)), why: 'ferretdb found on PATH (no mongod)' };
  // A FerretDB built on an earlier run is used at once: trying a download first costs every run seconds.
  if (existsSync(ferretDbTarget)) return { ...(await startFerretDb(ferretDbTarget)), why: 'FerretDB built earlier, from the project cache' };
  const downloaded = await startMongoMemoryServer(log);
  if (downloaded.server) return { ...downloaded.server, why: 'no mongod or ferretdb on PATH: a mongod was downloaded' };
  const built = ensureFerretDb(log);
  if (built) return { ...(await startFerretDb(built)), why: `no mongod or ferretdb on PATH and no mongod download (${downloaded.problem}): FerretDB built with Go` };
  throw new Error(
    `No MongoDB-compatible server could be started. Set MONGODB_URI, put mongod or ferretdb on PATH, or install Go so FerretDB can be built (mongod download: ${downloaded.problem}).`,
  );
}

export async function startRedis(): Promise<EmbeddedServer> {
  const redisServer = findOnPath('redis-server');
  if (!redisServer) {
    throw new Error('No REDIS_URL is set and no redis-server is on PATH: install Redis (Debian: apt-get install redis-server) or set REDIS_URL.');
  }
  const port = await findFreePort();
  const dir = mkdtempSync(join(tmpdir(), 'nfcpay-redis-'));
  const child = await launch(redisServer, ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir], dir, port);
  return { uri: `redis://127.0.0.1:${port}`, via: 'redis-server', stop: () => terminate(child, dir) };
}

async function startMongod(binary: string): Promise<EmbeddedServer> {
  const port = await findFreePort();
  const dir = mkdtempSync(join(tmpdir(), 'nfcpay-mongod-'));
  const child = await launch(binary, ['--port', String(port), '--bind_ip', '127.0.0.1', '--dbpath', dir], dir, port);
  return { uri: `mongodb://127.0.0.1:${port}`, via: 'mongod', stop: () => terminate(child, dir) };
}

/** FerretDB's command line for a server on loopback `port` keeping its data in `dir`. */
export function ferretDbArgs(dir: string, port: number): string[] {
  const usePostgres = process.env.FERRETDB_POSTGRESQL_URL;
  const backend = usePostgres
    ? ['--handler=postgresql', `--postgresql-url=${usePostgres}`]
    : // WAL without an fsync per commit: a crash of this process loses nothing, a crash of the OS may
      // lose the last commits, which is right for a development and test server, and far faster.
      ['--handler=sqlite', `--sqlite-url=file:${dir}/?_pragma=synchronous(normal)`];
  // FERRETDB_DEBUG_ADDR (e.g. 127.0.0.1:8089) serves Go's pprof and FerretDB's metrics, for profiling.
  return [...backend, `--state-dir=${dir}`, `--listen-addr=127.0.0.1:${port}`, `--debug-addr=${process.env.FERRETDB_DEBUG_ADDR ?? '-'}`, '--telemetry=disable', '--log-level=error'];
}

async function startFerretDb(binary: string): Promise<EmbeddedServer> {
  const port = await findFreePort();
  const dir = mkdtempSync(join(tmpdir(), 'nfcpay-ferretdb-'));
  const usePostgres = process.env.FERRETDB_POSTGRESQL_URL;
  const child = await launch(binary, ferretDbArgs(dir, port), dir, port);
  return {
    uri: `mongodb://127.0.0.1:${port}`,
    via: `ferretdb (${usePostgres ? 'postgresql' : 'sqlite'})`,
    stop: () => terminate(child, dir),
  };
}

/** A real mongod fetched (once, into mongodb-memory-server's cache) and started like one found on PATH. */
async function startMongoMemoryServer(log: (line: string) => void): Promise<{ server?: EmbeddedServer; problem?: string }> {
  log('No mongod or ferretdb on PATH: trying to download a mongod (mongodb-memory-server)...');
  try {
    const { MongoBinary } = await import('mongodb-memory-server-core');
    const binary = await withTimeout(MongoBinary.getPath(), DOWNLOAD_GIVE_UP_MS, () => new Error(`gave up after ${DOWNLOAD_GIVE_UP_MS / 1000} s`));
    return { server: { ...(await startMongod(binary)), via: 'mongod (downloaded by mongodb-memory-server)' } };
  } catch (error) {
    // A DownloadError carries the network's own words (e.g. "getaddrinfo ENOTFOUND …") in `msg`.
    return { problem: (error as { msg?: string }).msg ?? (error as Error).message.split('\n')[0] };
  }
}

/** A ferretdb on PATH, else the project's own build (made now if Go is there); undefined without either. */
export function ferretDbBinary(log: (line: string) => void = console.log): string | undefined {
  return findOnPath('ferretdb') ?? ensureFerretDb(log);
}

/**
 * FerretDB 1.24's SQLite backend looks `_id` up as `_ferretdb_sjson->'$._id'` while its unique
 * index is on `_ferretdb_sjson->"_id"`; SQLite only uses an index for the very same expression, so
 * every find, update and delete by `_id` scanned (and JSON-parsed) the whole table, and the app
 * slowed down as its collections grew. The build writes the lookup the way the index is written
 * (same value for every document: `->'_id'` is the top-level `_id` label).
 */
const FERRETDB_ID_LOOKUP = {
  file: join('internal', 'backends', 'sqlite', 'metadata', 'metadata.go'),
  from: `IDColumn = DefaultColumn + "->'$._id'"`,
  to: `IDColumn = DefaultColumn + "->'_id'"`,
};

/**
 * FerretDB 1.24 runs an update (and findAndModify) with its query's rows still open, on one pooled
 * SQLite connection, while the write takes a second one from the same pool of 100: a hundred
 * updates at once each hold one and wait for another, and the server stops answering for good
 * (seen in `npm run soak` at 100 taps/s across three processes). A larger pool moves that edge to
 * where the app's own pools (MONGODB_MAX_POOL_SIZE per process) cannot reach it.
 */
const FERRETDB_POOL = {
  file: join('internal', 'backends', 'sqlite', 'metadata', 'pool', 'opendb.go'),
  from: `db.SetMaxOpenConns(100)`,
  to: `db.SetMaxOpenConns(400)`,
};

/** Builds FerretDB from the Go module proxy into the project cache; undefined when Go is missing. */
function ensureFerretDb(log: (line: string) => void): string | undefined {
  const target = ferretDbTarget;
  if (existsSync(target)) return target;
  const go = findOnPath('go') ?? (existsSync('/usr/local/go/bin/go') ? '/usr/local/go/bin/go' : undefined);
  if (!go) return undefined;
  log(`Building FerretDB ${FERRETDB_VERSION} with Go into ${target} (once; takes a minute or two)...`);
  const download = spawnSync(go, ['mod', 'download', '-json', `${FERRETDB_MODULE}@${FERRETDB_VERSION}`], { encoding: 'utf8' });
  if (download.status !== 0) throw new Error(`go mod download failed: ${download.stderr || download.stdout}`);
  const moduleDir = JSON.parse(download.stdout).Dir as string;
  const work = mkdtempSync(join(tmpdir(), 'nfcpay-ferretdb-src-'));
  try {
    cpSync(moduleDir, work, { recursive: true });
    spawnSync('chmod', ['-R', 'u+w', work]);
    // A module download lacks the generated version file that the FerretDB binary insists on.
    writeFileSync(join(work, 'build', 'version', 'version.txt'), `${FERRETDB_VERSION}\n`);
    for (const patch of [FERRETDB_ID_LOOKUP, FERRETDB_POOL]) applyPatch(work, patch);
    mkdirSync(cacheBin, { recursive: true });
    const build = spawnSync(go, ['build', '-o', target, './cmd/ferretdb'], { cwd: work, encoding: 'utf8', stdio: ['ignore', 'inherit', 'inherit'] });
    if (build.status !== 0) throw new Error(`building FerretDB failed (exit ${build.status})`);
    chmodSync(target, 0o755);
    return target;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

function applyPatch(sourceDir: string, patch: { file: string; from: string; to: string }): void {
  const file = join(sourceDir, patch.file);
  const source = readFileSync(file, 'utf8');
  if (!source.includes(patch.from)) throw new Error(`FerretDB ${FERRETDB_VERSION}: ${patch.file} no longer reads as expected; review the patch to \`${patch.to}\``);
  writeFileSync(file, source.replace(patch.from, patch.to));
}

const running = new Set<ChildProcess>();
process.once('exit', () => running.forEach((child) => child.kill('SIGKILL')));

async function launch(binary: string, args: string[], dir: string, port: number): Promise<ChildProcess> {
  const logFile = openSync(join(dir, 'server.log'), 'a');
  const child = spawn(binary, args, { cwd: dir, stdio: ['ignore', logFile, logFile] });
  running.add(child);
  child.once('exit', () => running.delete(child));
  try {
    await waitForPort(port, STARTUP_TIMEOUT_MS, () => child.exitCode === null && child.signalCode === null);
  } catch (error) {
    child.kill('SIGKILL');
    throw new Error(`${binary} did not start (${(error as Error).message}); see ${join(dir, 'server.log')}`);
  }
  return child;
}

async function terminate(child: ChildProcess, dir: string): Promise<void> {
  if (child.exitCode === null && child.signalCode === null) {
    const exited = new Promise<void>((r) => child.once('exit', () => r()));
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
    await exited;
    clearTimeout(timer);
  }
  rmSync(dir, { recursive: true, force: true });
}
