import './load-env';
import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { NestExpressApplication } from '@nestjs/platform-express';
import { AppModule } from './app.module';
import { configureApp } from './app.setup';
import { appConfig, AppConfig } from './config/app.config';
import { ConfigError, validateEnvironment } from './config/env.validation';
import { EmbeddedServer, startMongo, startRedis } from './embedded/embedded-servers';

async function main(): Promise<void> {
  validateEnvironment(process.env);
  const embeddedServers = await startMissingServers();
  const app = await NestFactory.create<NestExpressApplication>(AppModule.forRoot(), {
    bodyParser: false,
    bufferLogs: true,
  });
  configureApp(app);
  shutDownGracefullyOnSignals(app, embeddedServers);
  const config = app.get<AppConfig>(appConfig.KEY);
  if (!validateEnvironment(process.env).API_ENABLED) {
    // A worker-only process: queues and sweeps run, no HTTP or socket server.
    await app.init();
    console.log('NFC Pay worker is up (API_ENABLED=false)');
    return;
  }
  await app.listen(config.port, config.host);
  announce(await app.getUrl(), embeddedServers);
}

/** With no MONGODB_URI / REDIS_URL the process brings up its own servers (development default). */
async function startMissingServers(): Promise<EmbeddedServer[]> {
  const started: EmbeddedServer[] = [];
  const log = (line: string) => console.log(line);
  try {
    if (!process.env.MONGODB_URI) {
      const mongo = await startMongo(log);
      started.push(mongo);
      process.env.MONGODB_URI = mongo.uri;
      log(`Embedded MongoDB-compatible server: ${mongo.via} at ${mongo.uri}`);
    }
    if (!process.env.REDIS_URL) {
      const redis = await startRedis();
      started.push(redis);
      process.env.REDIS_URL = redis.uri;
      log(`Embedded Redis: ${redis.via} at ${redis.uri}`);
    }
  } catch (error) {
    await Promise.all(started.map((server) => server.stop()));
    throw error;
  }
  return started;
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

function announce(url: string, embedded: EmbeddedServer[]): void {
  const base = url.replace('[::1]', 'localhost').replace('0.0.0.0', 'localhost').replace('127.0.0.1', 'localhost');
  console.log(
    [
      `NFC Pay is up${embedded.length ? ' (embedded servers; stop with Ctrl-C)' : ''}`,
      `  API:       ${base}/api`,
      `  Swagger:   ${base}/api/docs`,
      `  Socket.IO: ${base} (path /nfc-ws)`,
      `  Health:    ${base}/health/ready`,
    ].join('\n'),
  );
}

main().catch((error: unknown) => {
  if (error instanceof ConfigError) {
    console.error(error.message);
  } else {
    console.error('NFC Pay failed to start:', error instanceof Error ? error.message : error);
  }
  process.exit(1);
});
