import './require-node-24';
import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { NestExpressApplication } from '@nestjs/platform-express';
import { configureApp, configureWorkerApp } from './app.setup';
import { loadConfiguration, type NfcPayConfig } from './config/app.config';
import { processEnvironment } from './config/environment';
import { ConfigError } from './config/env.validation';
import { EmbeddedServer, startMongo, startRedis } from './embedded/embedded-servers';
import { RootModule } from './roles/root.module';

async function main(): Promise<void> {
  const configured = loadConfiguration(processEnvironment());
  const { config, embedded } = await withEmbeddedServers(configured);
  const app = await NestFactory.create<NestExpressApplication>(RootModule.forConfig(config), { bodyParser: false, bufferLogs: true });
  shutDownGracefullyOnSignals(app, embedded);
  if (config.app.role === 'worker') {
    configureWorkerApp(app);
    await listen(app, config.app.metricsPort, config.app.host, 'METRICS_PORT');
  } else {
    configureApp(app);
    await listen(app, config.app.port, config.app.host, 'PORT');
  }
  announce(config, await app.getUrl(), embedded);
  if (!config.blockchain.network && config.app.isProduction) {
    console.warn('WARNING: SUI_NETWORK=local: payments settle on the in-process ledger and move no real money. Set SUI_NETWORK=testnet|mainnet|devnet to settle on Sui.');
  }
}

/**
 * Development default: with no MONGODB_URI / REDIS_URL the process brings up its own servers
 * (production refuses to start without them, see env.validation.ts).
 */
async function withEmbeddedServers(config: NfcPayConfig): Promise<{ config: NfcPayConfig; embedded: EmbeddedServer[] }> {
  const embedded: EmbeddedServer[] = [];
  try {
    const mongo = config.database.embedded ? await startMongo((line) => console.log(line)) : undefined;
    if (mongo) embedded.push(mongo);
    const redis = config.redis.embedded ? await startRedis() : undefined;
    if (redis) embedded.push(redis);
    return {
      embedded,
      config: { ...config, database: { ...config.database, uri: mongo?.uri ?? config.database.uri }, redis: { ...config.redis, url: redis?.uri ?? config.redis.url } },
    };
  } catch (error) {
    await Promise.all(embedded.map((server) => server.stop()));
    throw error;
  }
}

async function listen(app: NestExpressApplication, port: number, host: string, variable: string): Promise<void> {
  try {
    await app.listen(port, host);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EADDRINUSE') {
      throw new ConfigError(`Port ${port} on ${host} is already in use: set ${variable} to a free port (e.g. ${variable}=${port + 1} npm start)`);
    }
    throw error;
  }
}

/**
 * SIGTERM/SIGINT: stop taking requests, let queues finish active jobs, close sockets and
 * connections (app.close() runs every shutdown hook), then stop the servers this process started.
 * Done here rather than with enableShutdownHooks(), which re-raises the signal as soon as the app
 * is closed and so would kill the process before its embedded servers are stopped.
 */
function shutDownGracefullyOnSignals(app: NestExpressApplication, embedded: EmbeddedServer[]): void {
  let closing = false;
  const shutDown = async (signal: NodeJS.Signals) => {
    if (closing) return;
    closing = true;
    console.log(`${signal} received: shutting down`);
    const forced = setTimeout(() => {
      console.error('Shutdown took longer than 25 s; exiting');
      process.exit(1);
    }, 25_000);
    forced.unref();
    await app.close();
    await Promise.all(embedded.map((server) => server.stop()));
    console.log('Shut down cleanly');
    process.exit(0);
  };
  process.on('SIGTERM', shutDown);
  process.on('SIGINT', shutDown);
}

/** The one start-up banner: what runs where, on what data, with which ledger. */
function announce(config: NfcPayConfig, url: string, embedded: EmbeddedServer[]): void {
  const base = url.replace('[::1]', 'localhost').replace('0.0.0.0', 'localhost').replace('127.0.0.1', 'localhost');
  const { role } = config.app;
  const ledger = config.blockchain.network ? `Sui ${config.blockchain.network}` : 'local (in-process ledger: no real money moves)';
  const lines = [`NFC Pay is up: role ${role}${embedded.length ? ' (embedded servers; stop with Ctrl-C)' : ''}`];
  if (role === 'worker') {
    lines.push(`  Health:    ${base}/health`, `  Metrics:   ${base}/metrics`);
  } else {
    lines.push(`  API:       ${base}/api`, `  Swagger:   ${base}/api/docs`, `  Socket.IO: ${base} (path /nfc-ws)`, `  Health:    ${base}/health/ready`, `  Queues:    ${base}/admin/queues (admins)`);
    lines.push(`  Metrics:   ${base}/metrics${config.app.isProduction ? ' (Bearer METRICS_TOKEN)' : ` (Bearer ${config.metrics.token})`}`);
  }
  lines.push(`  Ledger:    ${ledger}`);
  for (const server of embedded) lines.push(`  ${server.uri.startsWith('redis') ? 'Redis:  ' : 'MongoDB:'}   ${server.via} at ${server.uri}${server.why ? ` (${server.why})` : ''}`);
  if (!config.app.isProduction && config.auth.adminEmail) lines.push(`  Admin:     ${config.auth.adminEmail} (password in ${config.app.cacheDir}/dev-secrets.json unless ADMIN_PASSWORD is set)`);
  console.log(lines.join('\n'));
}

main().catch((error: unknown) => {
  console.error(error instanceof ConfigError ? error.message : `NFC Pay failed to start: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
