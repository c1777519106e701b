import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { type Browser, chromium, type Page } from 'playwright-core';
import request from 'supertest';
import { projectRoot } from '../../src/config/project-root';
import { pay, relaxFraudRules, waitForFinal } from '../support/payments';
import { bearer, createMerchant, createTerminal, inviteStaff, seedSession, type Session, type TestStaff, type TestTerminal, uniqueId } from '../support/session';
import { closeTestApp, createTestApp } from '../support/test-app';
import { waitFor } from '../support/wait';

/** Debian's package (.ci/run installs it); playwright never downloads a browser here. */
const CHROMIUM = '/usr/bin/chromium';
const REPORTS = join(projectRoot, 'reports', 'dashboard');
const DAY = 86_400_000;
const PHONE = { width: 390, height: 844 };
const DESKTOP = { width: 1280, height: 900 };
/** Merchant B's amounts, distinct from A's so that any of them on A's pages would show. */
const B_AMOUNTS = [333_333, 77_777];

describe("dashboard for merchant staff: their merchant's pages only, refunds, terminals", () => {
  let app: NestExpressApplication;
  let url: string;
  let s: Session;
  let staff: TestStaff;
  let b: { merchantId: string; terminal: TestTerminal; ids: string[] };
  let idle: string;
  let browser: Browser;
  let page: Page;
  const aIds: string[] = [];
  const problems: string[] = [];
  const http = () => request(app.getHttpServer());
  const tapA = (amount: number) => pay(app, s.terminal.token, { cardUuid: s.cardUuid, amount, merchantId: s.merchant.merchantId, terminalId: s.terminal.terminalId });
  const tapB = (amount: number) => pay(app, b.terminal.token, { cardUuid: s.cardUuid, amount, merchantId: b.merchantId, terminalId: b.terminal.terminalId });
  const today = () => {
    const from = Math.floor(Date.now() / DAY) * DAY;
    return { from: new Date(from).toISOString(), to: new Date(from + DAY).toISOString() };
  };
  const summary = async (token: string) => (await http().get('/api/analytics/summary').query(today()).set(bearer(token)).expect(200)).body;
  const go = async (hash: string) => {
    await page.evaluate(`location.hash = ${JSON.stringify(hash)}`);
    await page.waitForSelector(`main[data-page="${hash.split('/')[1]}"]:is([data-ready], [data-error])`);
  };
  const shot = (name: string) => page.screenshot({ path: join(REPORTS, `staff-${name}.png`), fullPage: true });
  /** The page at a phone's width: nothing wider than the screen; a screenshot of each width. */
  const atBothWidths = async (name: string) => {
    await shot(name);
    await page.setViewportSize(PHONE);
    // Charts resize on the next frames.
    await page.evaluate('new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve)))');
    await shot(`${name}-phone`);
    expect(await page.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(PHONE.width);
    await page.setViewportSize(DESKTOP);
  };
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

  beforeAll(async () => {
    if (!existsSync(CHROMIUM)) throw new Error(`No ${CHROMIUM}: apt-get install -y chromium (.ci/run does)`);
    mkdirSync(REPORTS, { recursive: true });
    app = await createTestApp();
    await app.listen(0, '127.0.0.1');
    url = (await app.getUrl()).replace('[::1]', '127.0.0.1');
    s = await seedSession(app, { singleTransactionLimit: 500_000 });
    await relaxFraudRules(app, s.adminToken);
    staff = await inviteStaff(app, s.adminToken, s.merchant.merchantId, 'staff');
    const merchantB = await createMerchant(app, s.adminToken);
    b = { merchantId: merchantB.merchantId, terminal: await createTerminal(app, s.adminToken, merchantB.merchantId), ids: [] };

    // A's second terminal is registered but never logs in nor beats: offline, never seen.
    idle = uniqueId('terminal');
    await http().post(`/api/merchants/${s.merchant.merchantId}/terminals`).set(bearer(s.adminToken)).send({ terminalId: idle }).expect(201);
    await http().post('/api/terminals/heartbeat').set(bearer(s.terminal.token)).send({ appVersion: '2.4.0', offlineQueued: 3 }).expect(200);

    for (const amount of [120_000, 45_000, 8_000]) aIds.push((await tapA(amount).expect(202)).body.transactionId);
    for (const amount of B_AMOUNTS) b.ids.push((await tapB(amount).expect(202)).body.transactionId);
    for (const id of [...aIds, ...b.ids]) expect((await waitForFinal(app, s.adminToken, id)).status).toBe('completed');
    await waitFor(async () => (await summary(s.adminToken)).settled.count === 5 || null, 15_000, 'the figures to be folded');

    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-dev-shm-usage'] });
    page = await browser.newPage({ viewport: DESKTOP });
    page.on('console', (m) => m.type() === 'error' && problems.push(m.text()));
    page.on('pageerror', (e) => problems.push(e.message));
  }, 90_000);
  afterAll(async () => {
    await browser?.close();
    await closeTestApp(app);
  });

  it("signs staff in to their merchant's overview, figures equal to /api/analytics/summary, admin pages not offered", async () => {
    await page.goto(`${url}/dashboard`);
    await page.fill('input[name=email]', staff.email);
    await page.fill('input[name=password]', 'correct horse battery');
    await page.click('button[type=submit]');
    await page.waitForSelector('main[data-page=overview][data-ready]');
    expect(await page.getAttribute('header [data-merchant]', 'data-merchant')).toBe(s.merchant.merchantId);
    expect(await page.$$eval('header nav a', (links) => links.map((a) => a.textContent))).toEqual(['Overview', 'Live', 'Payments', 'Terminals']);

    const mine = await summary(staff.token);
    expect(mine).toMatchObject({ merchantId: s.merchant.merchantId, count: 3, volume: 120_000 + 45_000 + 8_000 });
    expect((await summary(s.adminToken)).volume).toBe(mine.volume + B_AMOUNTS[0] + B_AMOUNTS[1]);
    expect(await figuresShown()).toEqual(figuresOf(mine));
    expect(await page.evaluate('JSON.stringify(localStorage) + JSON.stringify(sessionStorage) + document.cookie')).toBe('{}{}');
    await atBothWidths('overview');

    await go('#/reviews');
    expect(await page.getAttribute('[data-admin-only]', 'data-admin-only')).toBe('reviews');
    await go('#/alerts');
    expect(await page.textContent('main')).toContain('for admins');
    expect(problems).toEqual([]);
  });

  it("lists only their merchant's payments; another merchant's payment page says not found and shows nothing of it", async () => {
    await go('#/payments');
    await waitFor(async () => (await page.$$eval('tbody tr[data-transaction]', (rows) => rows.length)) === aIds.length || null, 5_000, "A's payments");
    expect((await page.$$eval('tbody tr[data-transaction]', (rows) => rows.map((r) => r.getAttribute('data-transaction')))).sort()).toEqual([...aIds].sort());
    const text = await page.textContent('main');
    for (const amount of B_AMOUNTS) expect(text).not.toContain(amount.toLocaleString('en-US'));
    await atBothWidths('payments');

    problems.length = 0;
    await go(`#/payments/${b.ids[0]}`);
    expect(await page.getAttribute('main', 'data-error')).toBe('true');
    expect(await page.textContent('main')).toContain('Not found');
    expect(await page.textContent('main')).not.toContain(B_AMOUNTS[0].toLocaleString('en-US'));
    await shot('other-merchant-payment');
    // The refused read is the 404 the page explained; nothing else went wrong.
    expect(problems.filter((p) => !p.includes('404'))).toEqual([]);
    problems.length = 0;
  });

  it("shows their merchant's taps in the live feed and never another merchant's", async () => {
    await go('#/live');
    await page.waitForSelector('[data-socket=live]');
    const theirs = (await tapB(12_345).expect(202)).body.transactionId;
    const ours = (await tapA(23_456).expect(202)).body.transactionId;
    aIds.push(ours);
    await page.waitForSelector(`.feed tr[data-transaction="${ours}"][data-status=completed]`, { timeout: 15_000 });
    await waitForFinal(app, s.adminToken, theirs);
    expect(await page.$$eval('.feed tr[data-transaction]', (rows) => rows.map((r) => r.getAttribute('data-transaction')))).not.toContain(theirs);
    await atBothWidths('live');
  });

  it('refunds from the payment page (risk details left to admins), and the overview then counts the refund as the summary does', async () => {
    const id = aIds[0];
    const asAdmin = (await http().get(`/api/payment/status/${id}`).set(bearer(s.adminToken)).expect(200)).body.transaction;
    const asStaff = (await http().get(`/api/payment/status/${id}`).set(bearer(staff.token)).expect(200)).body.transaction;
    expect(asAdmin.fraud).toEqual(expect.objectContaining({ score: expect.any(Number), decision: expect.any(String) }));
    expect(asStaff.fraud).toBeUndefined();

    await go(`#/payments/${id}`);
    expect(await page.$$eval('.payment .timeline li', (items) => items.map((li) => li.getAttribute('data-state')))).toEqual(['accepted', 'processing', 'completed']);
    expect(await page.textContent('.payment [data-chain]')).toContain(asStaff.txHash);
    expect(await page.getAttribute('.payment [data-fraud]', 'data-fraud')).toBe('admins-only');
    expect(await page.$('.payment [data-fraud-score]')).toBeNull();
    expect(await page.textContent('.payment')).toContain('No refunds');
    await page.fill('.refund-form input[name=amount]', '20000');
    await page.selectOption('.refund-form select[name=reason]', 'requested_by_customer');
    await page.click('.refund-form button[type=submit]');
    await page.waitForSelector('.payment tr[data-refund][data-status=succeeded]', { timeout: 20_000 });
    const { refunds } = (await http().get(`/api/payment/${id}/refunds`).set(bearer(staff.token)).expect(200)).body;
    expect(refunds).toEqual([expect.objectContaining({ amount: 20_000, status: 'succeeded', reason: 'requested_by_customer' })]);
    expect(await page.getAttribute('.payment tr[data-refund]', 'data-refund')).toBe(refunds[0].id);
    expect(await page.$$eval('.payment .timeline li', (items) => items.map((li) => li.getAttribute('data-state')))).toEqual(['accepted', 'processing', 'completed', 'refund 20,000 ₫ asked', 'refund 20,000 ₫ succeeded']);
    // When it was asked for and when it succeeded, as the refund records them.
    expect(refunds[0].succeededAt).toEqual(expect.any(String));
    expect(await page.getAttribute('.payment .timeline li[data-state="refund 20,000 ₫ asked"]', 'data-at')).toBe(refunds[0].createdAt);
    expect(await page.getAttribute('.payment .timeline li[data-state="refund 20,000 ₫ succeeded"]', 'data-at')).toBe(refunds[0].succeededAt);
    expect(await page.getAttribute('.refund-form input[name=amount]', 'max')).toBe('100000');
    await atBothWidths('payment');

    const mine = await waitFor(async () => {
      const figures = await summary(staff.token);
      return figures.refunds.count === 1 && figures;
    }, 15_000, 'the refund to be folded');
    expect(mine).toMatchObject({ refunds: { count: 1, amount: 20_000 }, net: mine.volume - 20_000 });
    await go('#/overview');
    expect(await figuresShown()).toEqual(figuresOf(mine));
    await shot('overview-after-refund');
    expect(problems).toEqual([]);
  });

  it("lists their merchant's terminals online or offline, with when last seen and the offline queue", async () => {
    await go('#/terminals');
    await page.waitForSelector('tr[data-terminal]');
    const listed = (await http().get(`/api/merchants/${s.merchant.merchantId}/terminals`).set(bearer(staff.token)).expect(200)).body.terminals;
    const rows = await page.$$eval('tr[data-terminal]', (trs) =>
      trs.map((tr) => ({ terminalId: tr.getAttribute('data-terminal'), presence: tr.getAttribute('data-presence'), queued: tr.querySelector('[data-queued]')!.getAttribute('data-queued') })),
    );
    expect(rows.sort((x, y) => x.terminalId!.localeCompare(y.terminalId!))).toEqual(
      [
        { terminalId: s.terminal.terminalId, presence: 'online', queued: '3' },
        { terminalId: idle, presence: 'offline', queued: '' },
      ].sort((x, y) => x.terminalId.localeCompare(y.terminalId)),
    );
    expect(listed.map((t: { terminalId: string; presence: string }) => [t.terminalId, t.presence]).sort()).toEqual(rows.map((r) => [r.terminalId, r.presence]).sort());
    expect(await page.textContent(`tr[data-terminal="${idle}"]`)).toContain('–');
    expect(await page.textContent('main')).not.toContain(b.terminal.terminalId);
    // Another merchant's terminals are not for staff: the page offers no merchant to pick, and a link to B shows A's.
    expect(await page.$('[name=merchant]')).toBeNull();
    await go(`#/terminals/${b.merchantId}`);
    expect(await page.textContent('main')).not.toContain(b.terminal.terminalId);
    await atBothWidths('terminals');
  });
});
