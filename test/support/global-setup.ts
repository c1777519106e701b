import { startMongo, startRedis, EmbeddedServer } from '../../src/embedded/embedded-servers';

/**
 * Starts one MongoDB-compatible server and one Redis for the whole run (unless MONGODB_URI /
 * REDIS_URL point at real ones). Each test file then uses its own database name and Redis
 * key prefix, so files never see each other's data.
 */
export default async function globalSetup(): Promise<void> {
  const started: EmbeddedServer[] = [];
  if (!process.env.MONGODB_URI) {
    const mongo = await startMongo((line) => process.stderr.write(`${line}\n`));
    started.push(mongo);
    process.env.MONGODB_URI = mongo.uri;
    process.env.TEST_MONGODB_VIA = mongo.via;
  }
  if (!process.env.REDIS_URL) {
    const redis = await startRedis();
    started.push(redis);
    process.env.REDIS_URL = redis.uri;
  }
  // Kept apart so a test that points one app at a Redis it will stop cannot leak into the next app.
  process.env.TEST_MONGODB_URI = process.env.MONGODB_URI;
  process.env.TEST_REDIS_URL = process.env.REDIS_URL;
  (globalThis as { __EMBEDDED_SERVERS__?: EmbeddedServer[] }).__EMBEDDED_SERVERS__ = started;
}
