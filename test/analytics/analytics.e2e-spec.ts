import { EventEmitter2 } from '@nestjs/event-emitter';
import { getConnectionToken } from '@nestjs/mongoose';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { Connection } from 'mongoose';
import request from 'supertest';
import { REFUND_UPDATED, type RefundEvent } from '../../src/refunds/refund.events';
import { AnalyticsFacts } from '../../src/analytics/analytics-facts';
import { RollupFolder } from '../../src/analytics/rollup-folder';
import { binUpperMs, latencyBin } from '../../src/analytics/rollup';
import { systemClock } from '../../src/common/time/clock';
import { MetricsService } from '../../src/metrics/metrics.service';
import { closeTestApp, createTestApp, newIsolation } from '../support/test-app';
import { bearer, createMerchant, createTerminal, inviteStaff, registerCard, seedSession, type Session } from '../support/session';
import { pay, relaxFraudRules } from '../support/payments';
import { waitFor } from '../support/wait';

const DOOMED = 4_321;
const MINUTE = 60_000;
const PIN = '4821';
/** Long enough that the tap left waiting for its PIN still waits when the last figures are read. */
const PIN_ENTRY_TIMEOUT_SECONDS = 600;
/** Declined, or waited for its PIN and ended declined or expired: counted as declines, with their code. */
const DECLINED = ['declined', 'expired'];

type Payment = { transactionId: string; status: string; amount: number; merchantId: string; declineCode?: string; createdAt: Date; completedAt?: Date };

/** What the summary must say, summed straight from the payments recorded. */
function expected(recorded: Payment[], refunds: { count: number; amount: number }) {
  // A tap waiting for its PIN is not answered yet.
  const payments = recorded.filter((p) => p.status !== 'requires_pin');
  const approved = payments.filter((p) => !DECLINED.includes(p.status));
  const declined = payments.filter((p) => DECLINED.includes(p.status));
  const settled = approved.filter((p) => p.status === 'completed');
  const sum = (ps: Payment[]) => ps.reduce((s, p) => s + p.amount, 0);
  const declineReasons: Record<string, number> = {};
  for (const p of declined) declineReasons[p.declineCode!] = (declineReasons[p.declineCode!] ?? 0) + 1;
  const latencies = settled.map((p) => p.completedAt!.getTime() - p.createdAt.getTime()).sort((a, b) => a - b);
  // Nearest rank, reported as the upper bound of its histogram bin.
  const pct = (q: number) => (latencies.length ? binUpperMs(latencyBin(latencies[Math.max(1, Math.ceil(q * latencies.length)) - 1])) : null);
  const volume = sum(approved);
  return {
    count: payments.length,
    volume,
    approved: approved.length,
    declined: declined.length,
    approvalRate: approved.length / payments.length,
    declineReasons,
    refunds,
    net: volume - refunds.amount,
    averageAmount: volume / approved.length,
    fraudRate: (declineReasons.fraud_high_risk ?? 0) / payments.length,
    settlementLatencyMs: { p50: pct(0.5), p95: pct(0.95) },
    settled: { count: settled.length, amount: sum(settled) },
    failed: { count: approved.filter((p) => p.status === 'failed').length, amount: sum(approved.filter((p) => p.status === 'failed')) },
    cancelled: { count: approved.filter((p) => p.status === 'cancelled').length, amount: sum(approved.filter((p) => p.status === 'cancelled')) },
  };
}

describe('analytics: figures from rollups reconcile with the payments', () => {
  const isolation = newIsolation();
  let api: NestExpressApplication;
  let app: NestExpressApplication;
  let s: Session;
  let other: { merchantId: string; token: string };
  let from: string;
  let to: string;
  const http = () => request(app.getHttpServer());
  const summary = (token: string, query: Record<string, string> = {}) => http().get('/api/analytics/summary').query({ from, to, ...query }).set(bearer(token));
  const payments = async (merchantId?: string) => {
    const docs = await app.get<Connection>(getConnectionToken()).collection('transactions').find(merchantId ? { merchantId } : {}).toArray();
    return docs as unknown as Payment[];
  };

  beforeAll(async () => {
    from = new Date(Math.floor(Date.now() / MINUTE) * MINUTE).toISOString();
    // Payments taken by an API-only process stay pending until the worker starts: one is cancelled meanwhile.
    api = await createTestApp({ isolation, env: { APP_ROLE: 'api', PIN_ENTRY_TIMEOUT_SECONDS: String(PIN_ENTRY_TIMEOUT_SECONDS) } });
    s = await seedSession(api, { singleTransactionLimit: 500_000 });
    await relaxFraudRules(api, s.adminToken);
    const tap = (amount: number, extra: Record<string, unknown> = {}) =>
      pay(api, s.terminal.token, { cardUuid: s.cardUuid, amount, merchantId: s.merchant.merchantId, terminalId: s.terminal.terminalId, ...extra });
    for (const amount of [12_000, 30_500, 7_250, 99_999, DOOMED]) await tap(amount).expect(202);
    const cancelled = await tap(55_555).expect(202);
    await request(api.getHttpServer()).post(`/api/payment/${cancelled.body.transactionId}/cancel`).set(bearer(s.adminToken)).expect(200);
    await tap(600_000).expect(400); // declined: single_limit_exceeded
    await tap(800_000).expect(400);
    await tap(1_000, { cardUuid: 'card-nobody-has' }).expect(400); // card_invalid

    // Above the card's cvmLimit each tap waits for the PIN: the right one accepts it, no PIN in time or three wrong ones decline it.
    const pinCard = await registerCard(api, s.user, { dailyLimit: 10_000_000, singleTransactionLimit: 500_000 });
    await request(api.getHttpServer()).put(`/api/cards/${pinCard}/pin`).set(bearer(s.user.token)).send({ pin: PIN, password: 'correct horse battery' }).expect(200);
    await request(api.getHttpServer()).patch(`/api/cards/${pinCard}/limits`).set(bearer(s.adminToken)).send({ cvmLimit: 20_000 }).expect(200);
    const enterPin = (transactionId: string, pin: string) => request(api.getHttpServer()).post(`/api/payment/${transactionId}/pin`).set(bearer(s.terminal.token)).send({ pin });
    const waitingTap = async (amount: number) => {
      const res = await tap(amount, { cardUuid: pinCard }).expect(202);
      expect(res.body.status).toBe('requires_pin');
      return res.body.transactionId as string;
    };
    await enterPin(await waitingTap(25_000), PIN).expect(200);
    const late = await waitingTap(26_000);
    const clock = jest.spyOn(systemClock, 'now').mockReturnValue(new Date(Date.now() + PIN_ENTRY_TIMEOUT_SECONDS * 1000 + 1_000));
    try {
      await enterPin(late, PIN).expect(410);
    } finally {
      clock.mockRestore();
    }
    await waitingTap(28_000); // still waiting when the figures are read: counted neither way
    const wrong = await waitingTap(27_000);
    for (const pin of ['0000', '0001', '0002']) await enterPin(wrong, pin).expect(400);

    const merchant = await createMerchant(api, s.adminToken);
    const terminal = await createTerminal(api, s.adminToken, merchant.merchantId);
    other = { merchantId: merchant.merchantId, token: terminal.token };

    app = await createTestApp({ isolation, env: { LOCAL_LEDGER_FAULTS: `${DOOMED * 1000}:permanent`, PIN_ENTRY_TIMEOUT_SECONDS: String(PIN_ENTRY_TIMEOUT_SECONDS) } });
    await waitFor(async () => (await payments()).every((p) => !['pending', 'processing'].includes(p.status)), 30_000, 'every payment to end');
    to = new Date(Math.ceil((Date.now() + 1) / MINUTE) * MINUTE + MINUTE).toISOString();
  }, 90_000);
  afterAll(async () => {
    await closeTestApp(app);
    await closeTestApp(api);
  });

  const settledSummary = async (token: string, query: Record<string, string> = {}, merchantId?: string, refunds = { count: 0, amount: 0 }) => {
    const want = expected(await payments(merchantId), refunds);
    return waitFor(async () => {
      const res = await summary(token, query).expect(200);
      return res.body.count === want.count && res.body.settled.count === want.settled.count && res.body.refunds.count === refunds.count ? { got: res.body, want } : null;
    }, 15_000, 'the figures to catch up');
  };

  it('sums every field exactly: approved, declined, cancelled and failed payments, and taps that waited for their PIN', async () => {
    const all = await payments();
    expect(new Set(all.map((p) => p.status))).toEqual(new Set(['completed', 'failed', 'cancelled', 'declined', 'expired', 'requires_pin']));
    const { got, want } = await settledSummary(s.adminToken);
    expect(got).toEqual({ from, to, merchantId: null, ...want });
    expect(want).toMatchObject({ count: 12, approved: 7, declined: 5, declineReasons: { single_limit_exceeded: 2, card_invalid: 1, pin_expired: 1, pin_tries_exceeded: 1 } });
  });

  it('counts each PIN outcome once in the metrics of the process that decided it', async () => {
    const series = await api.get(MetricsService).registry.getSingleMetricAsString('nfcpay_pin_verifications_total');
    for (const outcome of ['verified', 'expired', 'declined']) expect(series).toContain(`nfcpay_pin_verifications_total{outcome="${outcome}"} 1`);
  });

  it("scopes a terminal to its own merchant's figures; cardholders and other merchants' terminals are refused", async () => {
    const { got, want } = await settledSummary(s.terminal.token, {}, s.merchant.merchantId);
    expect(got).toEqual({ from, to, merchantId: s.merchant.merchantId, ...want });
    const named = await summary(s.adminToken, { merchantId: s.merchant.merchantId }).expect(200);
    expect(named.body).toEqual(got);
    await summary(other.token, { merchantId: s.merchant.merchantId }).expect(403);
    const theirs = await summary(other.token).expect(200);
    expect(theirs.body).toMatchObject({ merchantId: other.merchantId, count: 0, volume: 0 });
    await summary(s.user.token).expect(403);
  });

  it("gives merchant staff their own merchant's figures and refuses another merchant's", async () => {
    const staff = await inviteStaff(app, s.adminToken, s.merchant.merchantId, 'staff');
    const { got, want } = await settledSummary(staff.token, {}, s.merchant.merchantId);
    expect(got).toEqual({ from, to, merchantId: s.merchant.merchantId, ...want });
    expect((await summary(staff.token, { merchantId: s.merchant.merchantId }).expect(200)).body).toEqual(got);
    await summary(staff.token, { merchantId: other.merchantId }).expect(403);
    const series = await http().get('/api/analytics/timeseries').query({ metric: 'volume', interval: 'minute', from, to }).set(bearer(staff.token)).expect(200);
    expect(series.body.points.reduce((sum: number, p: { value: number }) => sum + p.value, 0)).toBe(want.volume);
    await http().get('/api/analytics/timeseries').query({ metric: 'count', interval: 'minute', from, to, merchantId: other.merchantId }).set(bearer(staff.token)).expect(403);
  });

  it('answers time series whose points add up to the summary', async () => {
    const { want } = await settledSummary(s.adminToken);
    const series = (metric: string, query: Record<string, string> = {}) =>
      http().get('/api/analytics/timeseries').query({ metric, interval: 'minute', from, to, ...query }).set(bearer(s.adminToken)).expect(200);
    const count = await series('count');
    expect(count.body.points).toHaveLength((Date.parse(to) - Date.parse(from)) / MINUTE);
    expect(count.body.points.reduce((sum: number, p: { value: number }) => sum + p.value, 0)).toBe(want.count);
    const volume = await series('volume', { groupBy: 'terminal', merchantId: s.merchant.merchantId });
    expect(volume.body.points.every((p: { group: string }) => p.group === s.terminal.terminalId)).toBe(true);
    expect(volume.body.points.reduce((sum: number, p: { value: number }) => sum + p.value, 0)).toBe(want.volume);
    const reasons = await series('declines', { groupBy: 'declineCode' });
    const byCode: Record<string, number> = {};
    for (const p of reasons.body.points) byCode[p.group] = (byCode[p.group] ?? 0) + p.value;
    expect(byCode).toEqual(want.declineReasons);
    const raw = (query: Record<string, string>) => http().get('/api/analytics/timeseries').query({ metric: 'count', interval: 'minute', from, to, ...query }).set(bearer(s.adminToken));
    await raw({ metric: 'settlement_latency_p95', groupBy: 'terminal', merchantId: s.merchant.merchantId }).expect(400);
    await raw({ metric: 'volume', groupBy: 'terminal' }).expect(400);
    const hour = (t: string, up = 0) => new Date((Math.floor(Date.parse(t) / (60 * MINUTE)) + up) * 60 * MINUTE).toISOString();
    const hourly = await raw({ interval: 'hour', from: hour(from), to: hour(to, 1) }).expect(200);
    expect(hourly.body.points.reduce((sum: number, p: { value: number }) => sum + p.value, 0)).toBe(want.count);
    await raw({ interval: 'hour', from: new Date(Date.parse(hour(from)) + MINUTE).toISOString(), to: hour(to, 1) }).expect(400);
  });

  it('counts a refund once however often its event comes, and a fact delivered again after folding changes nothing', async () => {
    const [paid] = (await payments()).filter((p) => p.status === 'completed');
    const refund: RefundEvent = {
      refundId: 'rf_1',
      transactionId: paid.transactionId,
      merchantId: paid.merchantId,
      cardUuid: 'card',
      amount: 2_000,
      amountMist: '2000000',
      currency: 'VND',
      status: 'succeeded',
      at: new Date(),
    };
    const events = app.get(EventEmitter2);
    await Promise.all([events.emitAsync(REFUND_UPDATED, refund), events.emitAsync(REFUND_UPDATED, refund)]);
    const { got, want } = await settledSummary(s.adminToken, {}, undefined, { count: 1, amount: 2_000 });
    expect(got).toEqual({ from, to, merchantId: null, ...want });

    // As after a crash between a bucket's write and the inbox's clean-up: the same facts again, folded by two folders at once.
    await app.get(AnalyticsFacts).record({ _id: `${paid.transactionId}:accepted`, kind: 'accepted', merchantId: paid.merchantId, terminalId: s.terminal.terminalId, amount: paid.amount, at: paid.createdAt });
    await app.get(AnalyticsFacts).record({ _id: `${paid.transactionId}:refund:rf_1`, kind: 'refund', merchantId: paid.merchantId, amount: 2_000, at: refund.at });
    const folder = app.get(RollupFolder);
    await Promise.all([folder.fold(), folder.fold()]);
    await waitFor(async () => (await app.get<Connection>(getConnectionToken()).collection('analytics_inbox').countDocuments()) === 0 || null, 10_000, 'the inbox to drain');
    expect((await summary(s.adminToken).expect(200)).body).toEqual(got);
  });

  it('refuses ranges it cannot answer exactly', async () => {
    await summary(s.adminToken, { from: '2026-12-01T00:00:30Z' }).expect(400);
    await summary(s.adminToken, { from: to, to: from }).expect(400);
    await summary(s.adminToken, { from: 'yesterday' }).expect(400);
  });
});
