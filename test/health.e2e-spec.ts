import { NestExpressApplication } from '@nestjs/platform-express';
import request from 'supertest';
import { EmbeddedServer, startRedis } from '../src/embedded/embedded-servers';
import { closeTestApp, createTestApp } from './support/test-app';

describe('health', () => {
  let redis: EmbeddedServer;
  let app: NestExpressApplication;

  beforeAll(async () => {
    redis = await startRedis();
    app = await createTestApp({ env: { REDIS_URL: redis.uri } });
  });
  afterAll(async () => {
    await closeTestApp(app);
    await redis.stop();
  });

  it('is live and ready while MongoDB and Redis answer', async () => {
    const live = await request(app.getHttpServer()).get('/health').expect(200);
    expect(live.body).toMatchObject({ status: 'ok', chain: expect.stringContaining('local-ledger') });
    const res = await request(app.getHttpServer()).get('/health/ready').expect(200);
    expect(res.body).toEqual({ success: true, status: 'ready', checks: { mongodb: 'up', redis: 'up' } });
  });

  it('goes 503 naming Redis, quickly, once Redis is stopped', async () => {
    await redis.stop();
    const started = Date.now();
    const res = await request(app.getHttpServer()).get('/health/ready').expect(503);
    expect(Date.now() - started).toBeLessThan(3_000);
    expect(res.body).toMatchObject({ success: false, error: 'Service Unavailable', checks: { mongodb: 'up', redis: 'down' } });
    expect(res.body.message).toContain('redis');
    await request(app.getHttpServer()).get('/health').expect(200);
  });
});
