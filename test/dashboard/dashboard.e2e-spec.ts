import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { type Browser, chromium, type Page } from 'playwright-core';
import request from 'supertest';
import { projectRoot } from '../../src/config/project-root';
import { systemClock } from '../../src/common/time/clock';
import { FraudReviewsService } from '../../src/fraud/fraud-reviews.service';
import { OutboxSweeper } from '../../src/payments/outbox-sweeper';
import { pay, relaxFraudRules, waitForFinal } from '../support/payments';
import { bearer, createMerchant, createTerminal, registerCard, seedSession, type Session, TEST_ADMIN } from '../support/session';
import { closeTestApp, createTestApp } from '../support/test-app';
import { waitFor } from '../support/wait';

/** Debian's package (.ci/run installs it); playwright never downloads a browser here. */
const CHROMIUM = '/usr/bin/chromium';
const REPORTS = join(projectRoot, 'reports', 'dashboard');
const DOOMED = 4_321;
const DAY = 86_400_000;

describe('dashboard in a real browser', () => {
  let app: NestExpressApplication;
  let url: string;
  let s: Session;
  let browser: Browser;
  let page: Page;
  const http = () => request(app.getHttpServer());
  const tap = (amount: number) => pay(app, s.terminal.token, { cardUuid: s.cardUuid, amount, merchantId: s.merchant.merchantId, terminalId: s.terminal.terminalId });
  const shot = (name: string) => page.screenshot({ path: join(REPORTS, `${name}.png`), fullPage: true });
  /** A screenshot at 1280 px, then at a phone's width, where nothing may be wider than the screen. */
  const atBothWidths = async (name: string) => {
    await shot(name);
    await page.setViewportSize({ width: 390, height: 844 });
    await page.evaluate('new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve)))');
    await shot(`${name}-phone`);
    expect(await page.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(390);
    await page.setViewportSize({ width: 1280, height: 900 });
  };
  const merchantIds = async () => (await http().get('/api/merchants').query({ limit: 100 }).set(bearer(s.adminToken)).expect(200)).body.merchants.map((m: { merchantId: string }) => m.merchantId);
  const merchantOptions = () => page.$$eval('select[name=merchant] option', (options) => options.map((o) => o.getAttribute('value')));
  const figuresShown = () =>
    page.$$eval('[data-range=today] [data-figure]', (els) => Object.fromEntries(els.map((el) => [el.getAttribute('data-figure'), el.getAttribute('data-value')])));
  const figuresOf = (summary: Record<string, any>) => ({
    volume: String(summary.volume),
    count: String(summary.count),
    approvalRate: String(summary.approvalRate),
    declined: String(summary.declined),
    refunds: String(summary.refunds.amount),
    refundCount: String(summary.refunds.count),
    net: String(summary.net),
    averageAmount: String(summary.averageAmount),
    fraudRate: String(summary.fraudRate),
    p50: String(summary.settlementLatencyMs.p50),
    p95: String(summary.settlementLatencyMs.p95),
  });
  const today = () => {
    const from = Math.floor(Date.now() / DAY) * DAY;
    return { from: new Date(from).toISOString(), to: new Date(from + DAY).toISOString() };
  };

  beforeAll(async () => {
    if (!existsSync(CHROMIUM)) throw new Error(`No ${CHROMIUM}: apt-get install -y chromium (.ci/run does)`);
    mkdirSync(REPORTS, { recursive: true });
    app = await createTestApp({ env: { LOCAL_LEDGER_FAULTS: `${DOOMED * 1000}:permanent` } });
    await app.listen(0, '127.0.0.1');
    url = (await app.getUrl()).replace('[::1]', '127.0.0.1');
    s = await seedSession(app, { singleTransactionLimit: 500_000 });
    await relaxFraudRules(app, s.adminToken);
    const ids: string[] = [];
    for (const amount of [125_000, 42_000, 310_000, 9_900, DOOMED]) ids.push((await tap(amount).expect(202)).body.transactionId);
    await tap(700_000).expect(400);
    for (const id of ids) await waitForFinal(app, s.adminToken, id);
    await app.get(FraudReviewsService).open(ids[0], { score: 72, reasons: [{ rule: 'amount_anomaly', detail: '4x the card average', weight: 72 }] }, { cardUuid: s.cardUuid, amount: 125_000, merchantId: s.merchant.merchantId, terminalId: s.terminal.terminalId, at: new Date() });
    await waitFor(async () => (await http().get('/api/analytics/summary').query(today()).set(bearer(s.adminToken))).body.count === 6 || null, 15_000, 'the figures to be folded');
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-dev-shm-usage'] });
    page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  }, 90_000);
  afterAll(async () => {
    await browser?.close();
    await closeTestApp(app);
  });

  it('signs in as admin (token in memory only) and shows the figures /api/analytics/summary gives', async () => {
    const problems: string[] = [];
    page.on('console', (m) => m.type() === 'error' && problems.push(m.text()));
    page.on('pageerror', (e) => problems.push(e.message));
    await page.goto(`${url}/dashboard`);
    await page.fill('input[name=email]', TEST_ADMIN.email);
    await page.fill('input[name=password]', 'wrong-password');
    await page.click('button[type=submit]');
    await page.waitForSelector('.signin .error:not(:empty)');
    await shot('signin');
    problems.length = 0; // the refused sign-in's 401 was the point
    await page.fill('input[name=password]', TEST_ADMIN.password);
    await page.click('button[type=submit]');
    await page.waitForSelector('main[data-page=overview][data-ready]');

    const summary = (await http().get('/api/analytics/summary').query(today()).set(bearer(s.adminToken)).expect(200)).body;
    const shown = await page.$$eval('[data-range=today] [data-figure]', (els) => Object.fromEntries(els.map((el) => [el.getAttribute('data-figure'), el.getAttribute('data-value')])));
    expect(shown).toEqual({
      volume: String(summary.volume),
      count: String(summary.count),
      approvalRate: String(summary.approvalRate),
      declined: String(summary.declined),
      refunds: String(summary.refunds.amount),
      refundCount: String(summary.refunds.count),
      net: String(summary.net),
      averageAmount: String(summary.averageAmount),
      fraudRate: String(summary.fraudRate),
      p50: String(summary.settlementLatencyMs.p50),
      p95: String(summary.settlementLatencyMs.p95),
    });
    expect(summary).toMatchObject({ count: 6, approved: 5, declined: 1, volume: 125_000 + 42_000 + 310_000 + 9_900 + DOOMED });
    await page.waitForSelector('[data-chart="Decline reasons"] [data-code=single_limit_exceeded]');
    expect(await page.$$eval('.charts canvas', (c) => c.length)).toBeGreaterThanOrEqual(4);
    expect(await page.evaluate('JSON.stringify(localStorage) + JSON.stringify(sessionStorage) + document.cookie')).toBe('{}{}');
    await shot('overview');
    expect(problems).toEqual([]);
  });

  it('fits a phone: nothing wider than the screen', async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    await page.waitForTimeout(100); // charts resize on the next frame
    expect(await page.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(390);
    await shot('overview-phone');
    await page.setViewportSize({ width: 1280, height: 900 });
  });

  it('shows a new tap in the live feed within a second', async () => {
    // The token lived in memory only: a reload signs out.
    await page.reload();
    await page.fill('input[name=email]', TEST_ADMIN.email);
    await page.fill('input[name=password]', TEST_ADMIN.password);
    await page.click('button[type=submit]');
    await page.evaluate("location.hash = '#/live'");
    await page.waitForSelector('[data-socket]:not([data-socket=connecting])');
    expect(await page.textContent('[data-socket]')).toBe('Live');
    const { body } = await tap(15_000).expect(202);
    const answered = Date.now();
    await page.waitForSelector(`.feed tr[data-transaction="${body.transactionId}"]`, { timeout: 1_000 });
    expect(Date.now() - answered).toBeLessThan(1_000);
    await page.waitForSelector(`.feed tr[data-transaction="${body.transactionId}"][data-status=completed]`, { timeout: 15_000 });
    await shot('live');
  });

  it('lists payments, filters them, and opens one with its timeline and explorer link', async () => {
    await page.evaluate("location.hash = '#/payments'");
    await page.waitForSelector('tbody tr[data-transaction]');
    await page.selectOption('select[name=status]', 'failed');
    await page.click('.filters button[type=submit]');
    await waitFor(async () => (await page.$$eval('tbody tr[data-transaction]', (rows) => rows.length)) === 1 || null, 5_000, 'one failed payment');
    await page.selectOption('select[name=status]', 'completed');
    await page.click('.filters button[type=submit]');
    await page.waitForSelector('tbody tr[data-transaction] .status.completed');
    await shot('payments');
    await page.click('tbody tr[data-transaction] a');
    await page.waitForSelector('.payment .timeline li');
    expect(await page.textContent('.payment')).toContain('completed');
    const id = await page.getAttribute('.payment', 'data-transaction');
    const { transaction } = (await http().get(`/api/payment/status/${id}`).set(bearer(s.adminToken)).expect(200)).body;
    expect(await page.textContent('.payment dl')).toContain(transaction.txHash);
    // Admins get the risk checks' verdict that staff do not.
    expect(transaction.fraud).toEqual(expect.objectContaining({ score: expect.any(Number) }));
    expect(await page.getAttribute('.payment [data-fraud-score]', 'data-fraud-score')).toBe(String(transaction.fraud.score));
    expect(await page.$('.payment .refund-form')).toBeNull();
    await atBothWidths('payment');
    // Ids and the hash wrap inside their own cells at a phone's width, whole and unclipped.
    await page.setViewportSize({ width: 390, height: 844 });
    const overflowing = await page.$$eval('.payment dd', (dds) => dds.filter((dd) => dd.scrollWidth > dd.clientWidth).map((dd) => dd.textContent));
    expect(overflowing).toEqual([]);
    expect(await page.textContent('.payment [data-chain] .mono')).toBe(transaction.txHash);
    await page.setViewportSize({ width: 1280, height: 900 });
  });

  it('shows how a tap that waited for its PIN ended: declined after three wrong PINs, or expired with no PIN in time', async () => {
    const cvmLimit = 100_000;
    const pinCard = async () => {
      const cardUuid = await registerCard(app, s.user, { dailyLimit: 1_000_000, singleTransactionLimit: 500_000 });
      await http().put(`/api/cards/${cardUuid}/pin`).set(bearer(s.user.token)).send({ pin: '4821', password: 'correct horse battery' }).expect(200);
      await http().patch(`/api/cards/${cardUuid}/limits`).set(bearer(s.adminToken)).send({ cvmLimit }).expect(200);
      return cardUuid;
    };
    const waitingTap = async (cardUuid: string) => {
      const { body } = await pay(app, s.terminal.token, { cardUuid, amount: 2 * cvmLimit, merchantId: s.merchant.merchantId, terminalId: s.terminal.terminalId }).expect(202);
      expect(body.status).toBe('requires_pin');
      return body.transactionId as string;
    };
    const declined = await waitingTap(await pinCard());
    for (const pin of ['0000', '0001', '0002']) await http().post(`/api/payment/${declined}/pin`).set(bearer(s.terminal.token)).send({ pin }).expect(400);
    const expired = await waitingTap(await pinCard());
    // The worker's sweep, as if the PIN's time (PIN_ENTRY_TIMEOUT_SECONDS, 60) had run out.
    const clock = jest.spyOn(systemClock, 'now').mockReturnValue(new Date(Date.now() + 61_000));
    try {
      await app.get(OutboxSweeper).sweep();
    } finally {
      clock.mockRestore();
    }

    const shown = async (id: string) => {
      await page.evaluate(`location.hash = '#/payments/${id}'`);
      await page.waitForSelector(`.payment[data-transaction="${id}"] .timeline li`);
      const { transaction } = (await http().get(`/api/payment/status/${id}`).set(bearer(s.adminToken)).expect(200)).body;
      const steps = await page.$$eval('.payment .timeline li', (lis) => lis.map((li) => [li.getAttribute('data-state'), li.getAttribute('data-at')]));
      return { transaction, steps, status: await page.getAttribute('.payment [data-status]', 'data-status'), reason: await page.textContent('.payment dl') };
    };
    const pinDeclined = await shown(declined);
    expect(pinDeclined.transaction).toMatchObject({ status: 'declined', declineCode: 'pin_tries_exceeded', failedAt: expect.any(String) });
    expect(pinDeclined.status).toBe('declined');
    expect(pinDeclined.steps).toEqual([['requires_pin', pinDeclined.transaction.createdAt], ['declined', pinDeclined.transaction.failedAt]]);
    expect(pinDeclined.reason).toContain('pin_tries_exceeded');
    await shot('payment-pin-declined');
    const noPin = await shown(expired);
    expect(noPin.transaction).toMatchObject({ status: 'expired', declineCode: 'pin_expired', expiredAt: expect.any(String) });
    expect(noPin.status).toBe('expired');
    expect(noPin.steps).toEqual([['requires_pin', noPin.transaction.createdAt], ['expired', noPin.transaction.expiredAt]]);
    expect(noPin.reason).toContain('pin_expired');
    await atBothWidths('payment-expired');

    await page.evaluate("location.hash = '#/payments'");
    for (const [status, id] of [['expired', expired], ['declined', declined]]) {
      await page.selectOption('select[name=status]', status);
      await page.click('.filters button[type=submit]');
      await page.waitForSelector(`tbody tr[data-transaction="${id}"] .status.${status}`);
    }
    expect(await page.$$eval('select[name=status] option', (options) => options.map((o) => o.getAttribute('value')))).toEqual(['', 'requires_pin', 'pending', 'processing', 'completed', 'failed', 'cancelled', 'declined', 'expired']);
  });

  it('resolves a fraud review and acknowledges an alert, as the API then says', async () => {
    await page.evaluate("location.hash = '#/reviews'");
    await page.waitForSelector('li[data-transaction] button');
    await atBothWidths('reviews');
    await page.click('li[data-transaction] button:text("Approve")');
    await page.waitForSelector('li[data-resolved=legit]');
    expect((await http().get('/api/fraud/reviews').set(bearer(s.adminToken)).expect(200)).body.reviews).toEqual([]);

    await page.evaluate("location.hash = '#/alerts'");
    await page.waitForSelector('li[data-alert] .status.open');
    await atBothWidths('alerts');
    await page.click('li[data-alert] button:text("Acknowledge")');
    await page.waitForSelector('li[data-alert] .status.acknowledged');
    const alerts = (await http().get('/api/alerts').set(bearer(s.adminToken)).expect(200)).body.alerts;
    expect(alerts).toEqual([expect.objectContaining({ status: 'acknowledged' })]);
  });

  it("shows a merchant's terminals, online or offline, once the admin picks the merchant from the list", async () => {
    await page.evaluate("location.hash = '#/terminals'");
    await page.waitForSelector('main[data-page=terminals][data-ready] select[name=merchant]');
    expect(await page.$('tr[data-terminal]')).toBeNull();
    expect(await merchantOptions()).toEqual(['', ...(await merchantIds())]);
    await page.selectOption('select[name=merchant]', s.merchant.merchantId);
    await page.waitForSelector(`main[data-page=terminals][data-ready] tr[data-terminal="${s.terminal.terminalId}"]`);
    expect(await page.inputValue('select[name=merchant]')).toBe(s.merchant.merchantId);
    const { terminals } = (await http().get(`/api/merchants/${s.merchant.merchantId}/terminals`).set(bearer(s.adminToken)).expect(200)).body;
    expect(await page.$$eval('tr[data-terminal]', (rows) => rows.map((r) => [r.getAttribute('data-terminal'), r.getAttribute('data-presence')]))).toEqual(
      terminals.map((t: { terminalId: string; presence: string }) => [t.terminalId, t.presence]),
    );
    // Logging in with its secret counts as being seen.
    expect(terminals).toEqual([expect.objectContaining({ terminalId: s.terminal.terminalId, presence: 'online' })]);
    await atBothWidths('terminals');
  });

  it('shows the figures of the merchant the admin picks from the list, or of every merchant, as /api/analytics/summary gives them', async () => {
    const other = await createMerchant(app, s.adminToken);
    const otherTerminal = await createTerminal(app, s.adminToken, other.merchantId);
    const { body } = await pay(app, otherTerminal.token, { cardUuid: s.cardUuid, amount: 55_555, merchantId: other.merchantId, terminalId: otherTerminal.terminalId }).expect(202);
    await waitForFinal(app, s.adminToken, body.transactionId);
    const summaryOf = async (merchantId?: string) => (await http().get('/api/analytics/summary').query({ ...today(), ...(merchantId && { merchantId }) }).set(bearer(s.adminToken)).expect(200)).body;
    await waitFor(async () => (await summaryOf(other.merchantId)).settled.count === 1 || null, 15_000, "the other merchant's tap to be folded");

    await page.evaluate("location.hash = '#/overview'");
    await page.waitForSelector('main[data-page=overview][data-ready] .overview[data-merchant=""] select[name=merchant]');
    expect(await merchantOptions()).toEqual(['', ...(await merchantIds())]);
    for (const merchantId of [s.merchant.merchantId, other.merchantId, '']) {
      await page.selectOption('select[name=merchant]', merchantId);
      await page.waitForSelector(`main[data-page=overview][data-ready] .overview[data-merchant="${merchantId}"]`);
      expect(await page.inputValue('select[name=merchant]')).toBe(merchantId);
      expect(await figuresShown()).toEqual(figuresOf(await summaryOf(merchantId || undefined)));
      if (merchantId) await shot(`overview-${merchantId === other.merchantId ? 'other-merchant' : 'merchant'}`);
    }
    const [mine, theirs, all] = await Promise.all([summaryOf(s.merchant.merchantId), summaryOf(other.merchantId), summaryOf()]);
    expect(theirs).toMatchObject({ count: 1, volume: 55_555 });
    expect(all.volume).toBe(mine.volume + theirs.volume);
    await atBothWidths('overview-picked');
  });
});
