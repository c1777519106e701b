import type { NestExpressApplication } from '@nestjs/platform-express';
import request from 'supertest';
import { closeClients, connect, listen } from '../realtime/realtime-support';
import { pay, relaxFraudRules, waitForFinal } from '../support/payments';
import { bearer, seedSession, type Session } from '../support/session';
import { closeTestApp, createTestApp } from '../support/test-app';

const METRICS_TOKEN = 'metrics-token-for-tests-0123456789';

describe('/metrics', () => {
  let app: NestExpressApplication;
  let s: Session;
  const http = () => request(app.getHttpServer());
  const scrape = () => http().get('/metrics').set(bearer(METRICS_TOKEN)).expect(200);

  beforeAll(async () => {
    app = await createTestApp({ env: { METRICS_TOKEN } });
    s = await seedSession(app);
    await relaxFraudRules(app, s.adminToken);
  });
  afterAll(async () => {
    closeClients();
    await closeTestApp(app);
  });

  it('needs the METRICS_TOKEN bearer token when one is configured', async () => {
    await http().get('/metrics').expect(401);
    await http().get('/metrics').set(bearer('wrong-token-wrong-token')).expect(401);
    await http().get('/metrics').set(bearer(s.adminToken)).expect(401);
    const res = await scrape();
    expect(res.headers['content-type']).toMatch(/^text\/plain/);
  });

  it('exposes the named series', async () => {
    const url = await listen(app);
    await connect(url, { token: s.adminToken });
    const body = { cardUuid: s.cardUuid, amount: 2_000, merchantId: s.merchant.merchantId, terminalId: s.terminal.terminalId };
    const accepted = await pay(app, s.terminal.token, body).expect(202);
    await waitForFinal(app, s.terminal.token, accepted.body.transactionId);
    await pay(app, s.terminal.token, { ...body, cardUuid: 'no-such-card' }).expect(400);

    const text = (await scrape()).text;
    const value = (series: string) => {
      const line = text.split('\n').find((l) => l.startsWith(`${series} `));
      return line === undefined ? undefined : Number(line.slice(series.length + 1));
    };
    expect(text).toMatch(/^nfcpay_http_request_duration_seconds_bucket\{le="[^"]+",method="GET",route="\/api\/payment\/status\/:transactionId",status="200"\} \d+$/m);
    expect(text).toMatch(/^nfcpay_http_request_duration_seconds_count\{method="POST",route="\/api\/payment\/process-async",status="202"\} \d+$/m);
    expect(value('nfcpay_payments_accepted_total')).toBeGreaterThanOrEqual(1);
    expect(value('nfcpay_payments_declined_total{decline_code="card_invalid"}')).toBe(1);
    expect((value('nfcpay_payments_completed_total') ?? 0) + (value('nfcpay_payments_failed_total') ?? 0)).toBeGreaterThanOrEqual(1);
    expect(text).toMatch(/^nfcpay_payment_accept_to_completed_seconds_bucket\{le="[^"]+"\} \d+$/m);
    expect(text).toMatch(/^nfcpay_queue_jobs\{queue="payments",state="waiting"\} \d+$/m);
    expect(text).toMatch(/^nfcpay_queue_jobs\{queue="notifications",state="delayed"\} \d+$/m);
    expect(value('nfcpay_socket_connections{role="admin"}')).toBe(1);
    expect(value('nfcpay_cache_hits_total')! + value('nfcpay_cache_misses_total')!).toBeGreaterThan(0);
    expect(value('nfcpay_cache_hit_ratio')).toBeGreaterThanOrEqual(0);
    expect(value('nfcpay_cache_hit_ratio')).toBeLessThanOrEqual(1);
    expect(value('nfcpay_fraud_decisions_total{decision="allow"}')).toBeGreaterThanOrEqual(1);
    expect(text).toMatch(/^nfcpay_process_cpu_user_seconds_total /m);
  });
});

describe('Bull Board at /admin/queues', () => {
  let app: NestExpressApplication;
  let s: Session;
  const http = () => request(app.getHttpServer());

  beforeAll(async () => {
    app = await createTestApp();
    s = await seedSession(app);
  });
  afterAll(() => closeTestApp(app));

  it('refuses anyone but an admin', async () => {
    for (const path of ['/admin/queues', '/admin/queues/api/queues']) {
      const anonymous = await http().get(path).expect(401);
      expect(anonymous.body).toEqual({ success: false, error: 'Unauthorized', message: expect.any(String), requestId: expect.any(String) });
      await http().get(path).set(bearer('forged.token.value')).expect(401);
      const user = await http().get(path).set(bearer(s.user.token)).expect(403);
      expect(user.body).toMatchObject({ success: false, error: 'Forbidden' });
      await http().get(path).set(bearer(s.terminal.token)).expect(403);
      await http().get(path).set('Cookie', 'nfcpay_board=forged.1999999999.mac').expect(401);
    }
  });

  it('shows the board to an admin, by Bearer header or by the one-time link a browser opens', async () => {
    const page = await http().get('/admin/queues').set(bearer(s.adminToken)).expect(200);
    expect(page.text).toContain('NFC Pay queues');
    const api = await http().get('/admin/queues/api/queues').set(bearer(s.adminToken)).expect(200);
    expect(api.body.queues.map((q: { name: string }) => q.name).sort()).toEqual(['notifications', 'payments', 'payouts', 'refunds']);

    await http().post('/api/admin/queues/session').set(bearer(s.user.token)).expect(403);
    const link = await http().post('/api/admin/queues/session').set(bearer(s.adminToken)).expect(200);
    const opened = await http().get(link.body.url).expect(302);
    expect(opened.headers.location).toBe('/admin/queues/');
    const cookie = String(opened.headers['set-cookie']);
    expect(cookie).toMatch(/nfcpay_board=[^;]+; Max-Age=900; Path=\/admin\/queues; Expires=[^;]+; HttpOnly; SameSite=Lax/);
    await http().get('/admin/queues/api/queues').set('Cookie', cookie.split(';')[0]).expect(200);
    // The link works once.
    await http().get(link.body.url).expect(404);
  });
});
