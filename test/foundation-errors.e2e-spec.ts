import { Body, Controller, Get, Post } from '@nestjs/common';
import { NestExpressApplication } from '@nestjs/platform-express';
import { IsInt, IsPositive, IsString, MaxLength } from 'class-validator';
import request from 'supertest';
import { Public } from '../src/common/auth/public.decorator';
import { closeTestApp, createTestApp } from './support/test-app';

class EchoDto {
  @IsString()
  @MaxLength(20)
  cardUuid: string;

  @IsInt()
  @IsPositive()
  amount: number;
}

@Public()
@Controller('api/test-echo')
class EchoController {
  @Post()
  echo(@Body() body: EchoDto) {
    return { success: true, body };
  }

  @Get('mongo-down')
  mongoDown() {
    throw Object.assign(new Error('Server selection timed out after 2000 ms (127.0.0.1:27017)'), { name: 'MongoServerSelectionError' });
  }

  @Get('boom')
  boom() {
    throw new Error('MongoServerError: E11000 duplicate key error collection: secret.internal index');
  }
}

describe('one error shape for every failure', () => {
  let app: NestExpressApplication;

  beforeAll(async () => {
    app = await createTestApp({ extra: { controllers: [EchoController] } });
  });
  afterAll(() => closeTestApp(app));

  const expectErrorShape = (body: Record<string, unknown>) => {
    expect(body.success).toBe(false);
    expect(typeof body.error).toBe('string');
    expect(typeof body.requestId).toBe('string');
    expect(JSON.stringify(body)).not.toMatch(/\bat .+\.(ts|js):\d+/);
  };

  it('accepts a valid body', async () => {
    const res = await request(app.getHttpServer()).post('/api/test-echo').send({ cardUuid: 'abc', amount: 5 }).expect(201);
    expect(res.body).toEqual({ success: true, body: { cardUuid: 'abc', amount: 5 } });
  });

  it('lists every offending field of an invalid body, unknown fields included', async () => {
    const res = await request(app.getHttpServer())
      .post('/api/test-echo')
      .send({ cardUuid: { $ne: null }, amount: -1, extra: true })
      .expect(400);
    expectErrorShape(res.body);
    expect(res.body.error).toBe('Bad Request');
    const fields = res.body.details.map((d: { field: string }) => d.field).sort();
    expect(fields).toEqual(['amount', 'cardUuid', 'extra']);
  });

  it('answers malformed JSON with 400 and no parser internals', async () => {
    const res = await request(app.getHttpServer())
      .post('/api/test-echo')
      .set('Content-Type', 'application/json')
      .send('{"cardUuid": ')
      .expect(400);
    expectErrorShape(res.body);
    expect(res.body.message).toBe('The request body is not valid JSON.');
  });

  it('refuses an oversized body with 413', async () => {
    const res = await request(app.getHttpServer())
      .post('/api/test-echo')
      .send({ cardUuid: 'x'.repeat(64 * 1024), amount: 1 })
      .expect(413);
    expectErrorShape(res.body);
    expect(res.body.error).toBe('Payload Too Large');
  });

  it.each(['/nope', '/api/nope', '/health/nope'])('answers an unknown route %s with 404 in the same shape', async (path) => {
    const res = await request(app.getHttpServer()).get(path).expect(404);
    expectErrorShape(res.body);
    expect(res.body.error).toBe('Not Found');
  });

  it('hides the text of an unexpected error behind a bare 500', async () => {
    const res = await request(app.getHttpServer()).get('/api/test-echo/boom').expect(500);
    expectErrorShape(res.body);
    expect(JSON.stringify(res.body)).not.toContain('E11000');
  });

  it('answers 503 with Retry-After, not 500, while MongoDB or Redis is unreachable', async () => {
    const res = await request(app.getHttpServer()).get('/api/test-echo/mongo-down').expect(503);
    expectErrorShape(res.body);
    expect(res.headers['retry-after']).toBe('2');
    expect(JSON.stringify(res.body)).not.toContain('27017');
  });

  it('puts the request id on every answer, keeping a sane one from the caller', async () => {
    const mine = await request(app.getHttpServer()).get('/nope').set('X-Request-Id', 'terminal-42-retry-1');
    expect(mine.headers['x-request-id']).toBe('terminal-42-retry-1');
    expect(mine.body.requestId).toBe('terminal-42-retry-1');
    const insane = await request(app.getHttpServer()).get('/health').set('X-Request-Id', 'x<script>');
    expect(insane.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('serves Swagger JSON describing the health routes', async () => {
    const res = await request(app.getHttpServer()).get('/api/docs-json').expect(200);
    expect(res.body.info.title).toBe('NFC Pay API');
    expect(Object.keys(res.body.paths)).toEqual(expect.arrayContaining(['/health', '/health/ready']));
    await request(app.getHttpServer()).get('/api/docs').expect(200);
  });
});
