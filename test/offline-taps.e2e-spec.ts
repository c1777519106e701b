import { getModelToken } from '@nestjs/mongoose';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { Model } from 'mongoose';
import request from 'supertest';
import { SoftwareCard } from '../src/cards/sun/card-simulator';
import { WebhookDelivery } from '../src/notifications/schemas/webhook-delivery.schema';
import { relaxFraudRules, statusOf, waitForFinal } from './support/payments';
import { bearer, registerCard, seedSession, type Session, uniqueId } from './support/session';
import { type Device, pairDevice, signed } from './support/signed-terminal';
import { SpendingLimitsService } from '../src/payments/spending-limits.service';
import { closeTestApp, createTestApp, TEST_METRICS_TOKEN } from './support/test-app';
import { waitFor } from './support/wait';

const HOUR = 3_600_000;
// The caps count across calls over the window: the tests below take more than 100 taps on one terminal.
const POLICY = { enabled: true, maxTapAmount: 200_000, maxTaps: 1_000, maxTotal: 10_000_000, maxAgeHours: 24 };
/** A zone where it is around noon now: a tap captured 23 h ago then falls on the previous calendar day. */
const utcHour = new Date().getUTCHours();
const offset = 12 - utcHour;
const NOON_ZONE = offset === 0 ? 'UTC' : `Etc/GMT${offset > 0 ? '-' : '+'}${Math.abs(offset)}`;

type Tap = { sequence: number; capturedAt: string; amount: number; cardUuid?: string; sun?: { p: string; c: string } };
type Result = { sequence: number; transactionId: string; status: string; declineCode?: string };

/** Store-and-forward: taps a paired terminal took offline, forwarded later under the merchant's offline policy. */
describe('offline taps', () => {
  let app: NestExpressApplication;
  let s: Session;
  let device: Device;
  let nextSequence = 1;
  const http = () => request(app.getHttpServer());
  const forward = async (taps: Tap[]): Promise<Result[]> => {
    const res = await signed(app, device, 'POST', '/api/payment/offline', { taps });
    expect(res.status).toBe(200);
    return res.body.results;
  };
  const tapsOf = (count: number, card: string, amount = 1_000, capturedAt = new Date(Date.now() - HOUR)): Tap[] =>
    Array.from({ length: count }, () => ({ sequence: nextSequence++, capturedAt: capturedAt.toISOString(), amount, cardUuid: card }));

  beforeAll(async () => {
    app = await createTestApp({ env: { CARD_ISSUER_KEY: '00000000000000000000000000000001', LIMITS_TIMEZONE: NOON_ZONE } });
    s = await seedSession(app, { dailyLimit: 100_000_000 });
    await relaxFraudRules(app, s.adminToken);
    device = await pairDevice(app, s.adminToken, s.merchant.merchantId);
    await http().put(`/api/merchants/${s.merchant.merchantId}/offline-policy`).set(bearer(s.adminToken)).send(POLICY).expect(200);
  });
  afterAll(() => closeTestApp(app));

  it('is off by default, set per merchant, overridden per terminal, and in every heartbeat answer', async () => {
    const other = await pairDevice(app, s.adminToken, s.merchant.merchantId);
    const beat = async () => (await signed(app, other, 'POST', '/api/terminals/heartbeat', {}).expect(200)).body.offlinePolicy;
    expect(await beat()).toEqual({ ...POLICY, source: 'merchant' });
    const override = { ...POLICY, maxTapAmount: 5_000, maxAgeHours: 2 };
    await http().put(`/api/merchants/${s.merchant.merchantId}/terminals/${other.terminalId}/offline-policy`).set(bearer(s.adminToken)).send(override).expect(200);
    expect(await beat()).toEqual({ ...override, source: 'terminal' });
    await http().put(`/api/merchants/${s.merchant.merchantId}/offline-policy`).set(bearer(s.adminToken)).send({ ...POLICY, maxAgeHours: 25 }).expect(400);
    await http().put(`/api/merchants/${s.merchant.merchantId}/offline-policy`).set(bearer(s.user.token)).send(POLICY).expect(403);

    const elsewhere = await seedSession(app);
    const fresh = await pairDevice(app, elsewhere.adminToken, elsewhere.merchant.merchantId);
    const answer = await signed(app, fresh, 'POST', '/api/terminals/heartbeat', {}).expect(200);
    expect(answer.body.offlinePolicy).toMatchObject({ enabled: false, source: 'default' });
    const off = await signed(app, fresh, 'POST', '/api/payment/offline', { taps: [{ sequence: 1, capturedAt: new Date().toISOString(), amount: 1_000, cardUuid: elsewhere.cardUuid }] }).expect(200);
    expect(off.body.results[0]).toMatchObject({ status: 'declined_offline', declineCode: 'offline_over_policy' });
  });

  it('takes only signed, key-bound terminals and nothing but taps', async () => {
    const taps = tapsOf(1, s.cardUuid);
    await http().post('/api/payment/offline').set(bearer(s.terminal.token)).send({ taps }).expect(403);
    await signed(app, device, 'POST', '/api/payment/offline', { taps, merchantId: s.merchant.merchantId }).expect(400);
    await signed(app, device, 'POST', '/api/payment/offline', { taps: [...taps, ...taps] }).expect(400);
    await signed(app, device, 'POST', '/api/payment/offline', { taps: tapsOf(101, s.cardUuid) }).expect(400);
  });

  it('50 taps forwarded twice, and split across two concurrent calls, make 50 payments once each, all settled', async () => {
    const taps = tapsOf(50, s.cardUuid);
    const first = await forward(taps);
    expect(first.map((r) => r.status)).toEqual(Array(50).fill('pending'));
    expect(new Set(first.map((r) => r.transactionId)).size).toBe(50);

    const again = await forward(taps);
    expect(again.map((r) => r.status)).toEqual(Array(50).fill('duplicate'));
    expect(again.map((r) => r.transactionId)).toEqual(first.map((r) => r.transactionId));

    const [left, right] = await Promise.all([forward(taps.slice(0, 30)), forward(taps.slice(20))]);
    expect([...left, ...right].every((r) => r.status === 'duplicate')).toBe(true);

    const fresh = tapsOf(50, s.cardUuid);
    const racing = await Promise.all([forward(fresh), forward(fresh.slice(0, 25)), forward(fresh.slice(25))]);
    const bySequence = new Map<number, Result[]>();
    for (const result of racing.flat()) bySequence.set(result.sequence, [...(bySequence.get(result.sequence) ?? []), result]);
    for (const results of bySequence.values()) {
      expect(results.filter((r) => r.status === 'pending')).toHaveLength(1);
      expect(new Set(results.map((r) => r.transactionId)).size).toBe(1);
    }

    const all = [...first, ...fresh.map((t) => bySequence.get(t.sequence)![0])];
    const finals = await Promise.all(all.map((r) => waitForFinal(app, s.adminToken, r.transactionId, 60_000)));
    expect(finals.map((t) => t.status)).toEqual(Array(100).fill('completed'));
    const view = await statusOf(app, s.adminToken, first[0].transactionId);
    expect(view.offline).toEqual({ capturedAt: taps[0].capturedAt, sequence: taps[0].sequence });
  }, 120_000);

  describe('maxTaps and maxTotal across calls over the offline window', () => {
    const capped = async (caps: { maxTaps?: number; maxTotal?: number }): Promise<(taps: Tap[]) => Promise<Result[]>> => {
      const terminal = await pairDevice(app, s.adminToken, s.merchant.merchantId);
      await http().put(`/api/merchants/${s.merchant.merchantId}/terminals/${terminal.terminalId}/offline-policy`).set(bearer(s.adminToken)).send({ ...POLICY, ...caps }).expect(200);
      return async (taps) => {
        const res = await signed(app, terminal, 'POST', '/api/payment/offline', { taps });
        expect(res.status).toBe(200);
        return res.body.results;
      };
    };
    const statuses = (results: Result[]) => results.map((r) => r.declineCode ?? r.status);

    it('declines the 6th of 3 + 3 taps in two calls with maxTaps 5; forwarding them again makes only duplicates', async () => {
      const send = await capped({ maxTaps: 5 });
      const [first, second] = [tapsOf(3, s.cardUuid), tapsOf(3, s.cardUuid)];
      expect(statuses(await send(first))).toEqual(Array(3).fill('pending'));
      expect(statuses(await send(second))).toEqual(['pending', 'pending', 'offline_over_policy']);
      const again = await send([...first, ...second]);
      expect(statuses(again)).toEqual(Array(6).fill('duplicate'));
    });

    it('accepts exactly 5 of two concurrent calls of 4 taps each with maxTaps 5', async () => {
      const send = await capped({ maxTaps: 5 });
      const results = (await Promise.all([send(tapsOf(4, s.cardUuid)), send(tapsOf(4, s.cardUuid))])).flat();
      expect(results.filter((r) => r.status === 'pending')).toHaveLength(5);
      expect(results.filter((r) => r.declineCode === 'offline_over_policy')).toHaveLength(3);
    });

    it('counts a tap forwarded late toward the windows of the taps captured after it', async () => {
      const send = await capped({ maxTaps: 2 });
      const [early] = tapsOf(1, s.cardUuid, 1_000, new Date(Date.now() - 2 * HOUR));
      const later = tapsOf(2, s.cardUuid);
      expect(statuses(await send(later))).toEqual(['pending', 'pending']);
      expect(statuses(await send([early]))).toEqual(['offline_over_policy']);
    });

    it('holds maxTotal across calls, and a tap declined by a later check does not spend it', async () => {
      const send = await capped({ maxTotal: 10_000 });
      const card = await registerCard(app, s.user, { dailyLimit: 1_000_000 });
      await http().patch(`/api/cards/${card}/limits`).set(bearer(s.adminToken)).send({ cvmLimit: 5_000 }).expect(200);
      expect(statuses(await send(tapsOf(1, card, 6_000)))).toEqual(['offline_pin_required']);
      const taps = tapsOf(3, s.cardUuid, 4_000);
      expect(statuses(await send(taps.slice(0, 2)))).toEqual(['pending', 'pending']);
      expect(statuses(await send(taps.slice(2)))).toEqual(['offline_over_policy']);
      expect(statuses(await send(taps))).toEqual(['duplicate', 'duplicate', 'duplicate']);
      expect(statuses(await send(tapsOf(1, s.cardUuid, 2_000)))).toEqual(['pending']);
      expect(statuses(await send(tapsOf(1, s.cardUuid, 1)))).toEqual(['offline_over_policy']);
    });
  });

  it('declines offline a tap older than the policy, one over maxTapAmount and one over the CVM limit, and the webhook fires', async () => {
    const hook = await import('node:http').then(({ createServer }) => {
      const server = createServer((req, res) => res.writeHead(200).end());
      return new Promise<{ url: string; close: () => void }>((resolve) => server.listen(0, '127.0.0.1', () => resolve({ url: `http://127.0.0.1:${(server.address() as { port: number }).port}/hook`, close: () => server.close() })));
    });
    await http().patch(`/api/merchants/${s.merchant.merchantId}/webhook`).set(bearer(s.adminToken)).send({ webhookUrl: hook.url }).expect(200);
    await http().put(`/api/merchants/${s.merchant.merchantId}/terminals/${device.terminalId}/offline-policy`).set(bearer(s.adminToken)).send({ ...POLICY, maxTapAmount: 5_000_000, maxAgeHours: 2 }).expect(200);
    const declinedExposure = async () => {
      const text = (await http().get('/metrics').set(bearer(TEST_METRICS_TOKEN)).expect(200)).text;
      return Number(/nfcpay_offline_exposure_amount_total\{outcome="declined"\} (\d+)/.exec(text)?.[1] ?? 0);
    };
    const exposureBefore = await declinedExposure();
    try {
      const [old] = tapsOf(1, s.cardUuid, 1_000, new Date(Date.now() - 3 * HOUR));
      const [big] = tapsOf(1, s.cardUuid, 1_500_000);
      const [overTap] = tapsOf(1, s.cardUuid, 6_000_000);
      const results = await forward([old, big, overTap]);
      expect(results).toEqual([
        { sequence: old.sequence, transactionId: expect.any(String), status: 'declined_offline', declineCode: 'offline_expired' },
        { sequence: big.sequence, transactionId: expect.any(String), status: 'declined_offline', declineCode: 'offline_pin_required' },
        { sequence: overTap.sequence, transactionId: expect.any(String), status: 'declined_offline', declineCode: 'offline_over_policy' },
      ]);
      const deliveries = app.get<Model<WebhookDelivery>>(getModelToken(WebhookDelivery.name));
      await waitFor(async () => (await deliveries.countDocuments({ type: 'payment.offline_declined', transactionId: { $in: results.map((r) => r.transactionId) } })) === 3, 10_000, 'three offline_declined webhooks');
      const repeat = await forward([old]);
      expect(repeat[0]).toMatchObject({ status: 'duplicate', transactionId: results[0].transactionId });
      // The repeat is not counted again.
      expect((await declinedExposure()) - exposureBefore).toBe(1_000 + 1_500_000 + 6_000_000);
    } finally {
      await http().put(`/api/merchants/${s.merchant.merchantId}/terminals/${device.terminalId}/offline-policy`).set(bearer(s.adminToken)).send(POLICY).expect(200);
      hook.close();
    }
  });

  it("declines offline_pin_required above the card's own cvmLimit, which only an admin sets", async () => {
    const card = await registerCard(app, s.user, { dailyLimit: 1_000_000 });
    await http().patch(`/api/cards/${card}/limits`).set(bearer(s.user.token)).send({ cvmLimit: 50_000 }).expect(403);
    const set = await http().patch(`/api/cards/${card}/limits`).set(bearer(s.adminToken)).send({ cvmLimit: 50_000 }).expect(200);
    expect(set.body.card.cvmLimit).toBe(50_000);
    const [under, over] = await forward([...tapsOf(1, card, 50_000), ...tapsOf(1, card, 50_001)]);
    expect(under.status).toBe('pending');
    expect(over).toMatchObject({ status: 'declined_offline', declineCode: 'offline_pin_required' });
  });

  it('counts a tap on the day it was captured', async () => {
    const card = await registerCard(app, s.user, { dailyLimit: 100_000 });
    // Today is full.
    const [today] = await forward(tapsOf(1, card, 100_000, new Date()));
    expect(today.status).toBe('pending');
    const yesterday = new Date(Date.now() - 23 * HOUR);
    const [fits, over] = await forward([...tapsOf(1, card, 60_000, yesterday), ...tapsOf(1, card, 60_000, yesterday)]);
    expect(fits.status).toBe('pending');
    expect(over).toMatchObject({ status: 'declined_offline', declineCode: 'daily_limit_exceeded' });
    const [stillFull] = await forward(tapsOf(1, card, 1_000, new Date()));
    expect(stillFull).toMatchObject({ status: 'declined_offline', declineCode: 'daily_limit_exceeded' });
  });

  it('accepts a SUN tap below the high-water mark once, if its counter was never used; its repeat is a duplicate', async () => {
    const cardUuid = uniqueId('secure');
    const uid = `04${[...crypto.getRandomValues(new Uint8Array(6))].map((b) => b.toString(16).padStart(2, '0')).join('')}`;
    const reg = await http().post('/api/cards').set(bearer(s.user.token)).send({ cardUuid, nfcUid: uid }).expect(201);
    const card = new SoftwareCard(uid, reg.body.programming);
    const offlineMessage = card.message(3);
    const usedMessage = card.message(4);
    // Online taps raise the mark to 5 meanwhile.
    const online = (sun: { p: string; c: string }) =>
      http().post('/api/payment/process-async').set(bearer(s.terminal.token)).set('Idempotency-Key', uniqueId('idem')).send({ sun, amount: 1_000, merchantId: s.merchant.merchantId, terminalId: s.terminal.terminalId });
    expect((await online(usedMessage)).status).toBe(202);
    expect((await online(card.message(5))).status).toBe(202);

    const capturedAt = new Date(Date.now() - HOUR).toISOString();
    const [accepted, reused] = await forward([
      { sequence: nextSequence++, capturedAt, amount: 1_000, sun: offlineMessage },
      { sequence: nextSequence++, capturedAt, amount: 1_000, sun: usedMessage },
    ]);
    expect(accepted.status).toBe('pending');
    expect(reused).toMatchObject({ status: 'declined_offline', declineCode: 'card_replayed' });
    const [repeat] = await forward([{ sequence: accepted.sequence, capturedAt, amount: 1_000, sun: offlineMessage }]);
    expect(repeat).toEqual({ sequence: accepted.sequence, transactionId: accepted.transactionId, status: 'duplicate' });
    // The same counter under another sequence is a replay, not a second payment.
    const [again] = await forward([{ sequence: nextSequence++, capturedAt, amount: 1_000, sun: offlineMessage }]);
    expect(again).toMatchObject({ status: 'declined_offline', declineCode: 'card_replayed' });
    expect((await waitForFinal(app, s.adminToken, accepted.transactionId)).status).toBe('completed');
  });
});

describe('a payment reserving its limit again', () => {
  let app: NestExpressApplication;
  beforeAll(async () => {
    app = await createTestApp();
  });
  afterAll(() => closeTestApp(app));

  it('keeps its reservation even when it filled the limit (two forwards of one tap racing), and never takes it twice', async () => {
    const limits = app.get(SpendingLimitsService);
    const card = uniqueId('card');
    const weekly = { interval: 'weekly' as const, amount: 10_000, scope: 'weekly|*', categories: [] };
    const first = await limits.reserve(card, 'off_a', 10_000, 20_000, [weekly]);
    expect(first).toHaveProperty('reservation');
    // Without the check, the weekly window is full, so the repeat gave back the first reservation's daily part.
    expect(await limits.reserve(card, 'off_a', 10_000, 20_000, [weekly])).toEqual(first);
    expect(await limits.reservedToday(card)).toBe(10_000);
    expect(await limits.reserve(card, 'off_b', 1, 20_000, [weekly])).toHaveProperty('exceeded');
    // The daily limit alone, filled exactly by the same payment.
    const other = uniqueId('card');
    const only = await limits.reserve(other, 'off_c', 5_000, 5_000);
    expect(await limits.reserve(other, 'off_c', 5_000, 5_000)).toEqual(only);
  });
});
