import type { NestExpressApplication } from '@nestjs/platform-express';
import request from 'supertest';
import { closeClients, connect, listen } from './realtime/realtime-support';
import { bearer, seedSession, type Session } from './support/session';
import { closeTestApp, createTestApp } from './support/test-app';

const COUNTS = { status: expect.any(String), waiting: expect.any(Number), active: expect.any(Number), completed: expect.any(Number), failed: expect.any(Number), delayed: expect.any(Number), paused: expect.any(Number) };

/** The seed's client (Task 3.1) reads both status routes with a cardholder's token. */
describe('queue-status and ws-status for every authenticated caller', () => {
  let app: NestExpressApplication;
  let url: string;
  let s: Session;

  beforeAll(async () => {
    app = await createTestApp();
    url = await listen(app);
    s = await seedSession(app);
  });
  afterAll(async () => {
    closeClients();
    await closeTestApp(app);
  });

  it('answers queue-status with job counts only, to a cardholder, a terminal and an admin', async () => {
    for (const token of [s.user.token, s.terminal.token, s.adminToken]) {
      const res = await request(app.getHttpServer()).get('/api/payment/queue-status').set(bearer(token)).expect(200);
      expect(res.body).toEqual({ success: true, queues: { payments: COUNTS, notifications: COUNTS }, timestamp: expect.any(String) });
    }
    await request(app.getHttpServer()).get('/api/payment/queue-status').expect(401);
  });

  it('answers ws-status to a cardholder with counts and no ids, and to an admin with the connected users', async () => {
    await connect(url, { token: s.user.token });
    await connect(url, { token: s.terminal.token });

    const holder = await request(app.getHttpServer()).get('/api/payment/ws-status').set(bearer(s.user.token)).expect(200);
    expect(holder.body).toEqual({
      success: true,
      websocket: {
        status: 'active',
        totalConnections: 2,
        uniqueUsers: 1,
        connectionsByRole: { user: 1, terminal: 1, merchant: 0, admin: 0 },
        merchantsOnline: 1,
        localConnections: 2,
        instances: expect.anything(),
        timestamp: expect.any(String),
      },
    });
    const text = JSON.stringify(holder.body);
    for (const id of [s.user.id, s.terminal.terminalId, s.merchant.merchantId]) expect(text).not.toContain(id);
    expect(Object.values(holder.body.websocket).some(Array.isArray)).toBe(false);

    const admin = await request(app.getHttpServer()).get('/api/payment/ws-status').set(bearer(s.adminToken)).expect(200);
    expect(admin.body.websocket).toMatchObject({ status: 'active', totalConnections: 2, uniqueUsers: 1, connectedUsers: [s.user.id] });
    await request(app.getHttpServer()).get('/api/payment/ws-status').expect(401);
  });
});
