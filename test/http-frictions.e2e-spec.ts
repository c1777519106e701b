import type { NestExpressApplication } from '@nestjs/platform-express';
import request from 'supertest';
import { pay } from './support/payments';
import { bearer, seedSession, type Session } from './support/session';
import { closeTestApp, createTestApp } from './support/test-app';

/** `{"email":[[[ ... ]]]}`, `levels` arrays deep. */
const nested = (levels: number, key = 'email') => `{"${key}":${'['.repeat(levels)}${']'.repeat(levels)}}`;

describe('HTTP frictions: validation messages, media types, methods, nesting', () => {
  let app: NestExpressApplication;
  let s: Session;
  const http = () => request(app.getHttpServer());
  const payment = () => ({ cardUuid: s.cardUuid, amount: 1_000, merchantId: s.merchant.merchantId, terminalId: s.terminal.terminalId });
  const detailsOf = (body: { details: { field: string; errors: string[] }[] }) => Object.fromEntries(body.details.map((d) => [d.field, d.errors]));

  beforeAll(async () => {
    app = await createTestApp();
    s = await seedSession(app);
  });
  afterAll(() => closeTestApp(app));

  describe('one clear message per field', () => {
    it('says a missing amount is required', async () => {
      const { amount: _left, ...body } = payment();
      const res = await pay(app, s.terminal.token, body as never).expect(400);
      expect(detailsOf(res.body)).toEqual({ amount: ['amount is required'] });
    });

    it('says a string amount must be an integer', async () => {
      const res = await pay(app, s.terminal.token, { ...payment(), amount: '1000' as never }).expect(400);
      expect(detailsOf(res.body)).toEqual({ amount: ['amount must be an integer, not a string'] });
    });

    it('gives a value of the right type the rule it breaks', async () => {
      const res = await pay(app, s.terminal.token, { ...payment(), amount: 1.5, cardUuid: 42 as never }).expect(400);
      expect(detailsOf(res.body)).toEqual({ amount: ['amount must be an integer'], cardUuid: ['cardUuid must be a string, not a number'] });
      const negative = await pay(app, s.terminal.token, { ...payment(), amount: -5 }).expect(400);
      expect(detailsOf(negative.body)).toEqual({ amount: ['amount must be a positive number'] });
    });

    it('works for every DTO: register without fields, with an unknown one', async () => {
      const res = await http().post('/api/auth/register').send({ email: 'x@example.com', nickname: 'x' }).expect(400);
      expect(detailsOf(res.body)).toEqual({ password: ['password is required'], fullName: ['fullName is required'], nickname: ['nickname is not a field this request takes'] });
    });
  });

  describe('bodies that are not JSON', () => {
    it.each([
      ['application/x-www-form-urlencoded', 'email=a%40b.c&password=secret123&fullName=A'],
      ['text/plain', '{"email":"a@b.c"}'],
    ])('answers %s with 415 naming application/json', async (type, text) => {
      const res = await http().post('/api/auth/register').set('Content-Type', type).send(text).expect(415);
      expect(res.body).toMatchObject({ success: false, error: 'Unsupported Media Type', requestId: expect.any(String) });
      expect(res.body.message).toContain('application/json');
    });

    it('still takes a POST without a body (cancel)', async () => {
      const res = await http().post('/api/payment/nfc_unknown_1/cancel').set(bearer(s.user.token));
      expect(res.status).toBe(404);
    });
  });

  describe('405 for a known path with another method', () => {
    it.each([
      ['get', '/api/payment/process-async', 'POST'],
      ['delete', '/api/payment/status/nfc_x', 'GET, HEAD'],
      ['put', '/api/auth/login', 'POST'],
      ['post', '/api/cards/some-card', 'GET, HEAD'],
      ['delete', '/health', 'GET, HEAD'],
    ] as const)('%s %s answers 405, Allow: %s', async (method, path, allow) => {
      const res = await http()[method](path).set(bearer(s.user.token)).expect(405);
      expect(res.headers.allow).toBe(allow);
      expect(res.body).toMatchObject({ success: false, error: 'Method Not Allowed', requestId: expect.any(String) });
    });

    it('lists every method of a path served by several', async () => {
      const res = await http().delete('/api/cards').set(bearer(s.user.token)).expect(405);
      expect(res.headers.allow).toBe('GET, HEAD, POST');
    });

    it('keeps 404 for an unknown path', async () => {
      await http().get('/api/payment/nope/nope/nope').set(bearer(s.user.token)).expect(404);
    });
  });

  describe('Idempotency-Key', () => {
    it.each(['', '   '])('refuses an empty key %j with 400', async (key) => {
      const res = await http().post('/api/payment/process-async').set(bearer(s.terminal.token)).set('Idempotency-Key', key).send(payment()).expect(400);
      expect(detailsOf(res.body)).toEqual({ 'Idempotency-Key': [expect.stringMatching(/^Idempotency-Key is empty/)] });
    });

    it('says what a malformed key must be', async () => {
      const res = await http().post('/api/payment/process-async').set(bearer(s.terminal.token)).set('Idempotency-Key', 'two words').send(payment()).expect(400);
      expect(detailsOf(res.body)).toEqual({ 'Idempotency-Key': [expect.stringMatching(/^Idempotency-Key must be 1-255 printable ASCII characters/)] });
    });
  });

  describe('deeply nested JSON', () => {
    it.each(['/api/auth/register', '/api/auth/login'])('answers %s with 400, not a stack overflow', async (path) => {
      const res = await http().post(path).set('Content-Type', 'application/json').send(nested(5000)).expect(400);
      expect(res.body).toMatchObject({ success: false, error: 'Bad Request', message: expect.stringMatching(/deeper than 32 levels/) });
    });

    it('answers process-async with 400, not a stack overflow', async () => {
      const res = await http().post('/api/payment/process-async').set(bearer(s.terminal.token)).set('Content-Type', 'application/json').send(nested(5000, 'cardUuid')).expect(400);
      expect(res.body.message).toMatch(/deeper than 32 levels/);
    });

    it('lets ordinary nesting through to validation', async () => {
      const res = await http().post('/api/auth/login').set('Content-Type', 'application/json').send(nested(30)).expect(400);
      expect(res.body.message).toBe('Validation failed');
    });
  });
});
