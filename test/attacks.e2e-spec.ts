import type { NestExpressApplication } from '@nestjs/platform-express';
import request from 'supertest';
import { pay, relaxFraudRules, settledPayment } from './support/payments';
import { ack, closeClients, connect, listen } from './realtime/realtime-support';
import { bearer, createMerchant, createTerminal, inviteStaff, registerCard, registerUser, seedSession, uniqueId, type Session, type TestStaff, type TestTerminal, type TestUser } from './support/session';
import { closeTestApp, createTestApp } from './support/test-app';

const PASSWORD = 'correct horse battery';
const PIN = '4821';

/**
 * An outsider's attacks on this week's routes: every id in a request belongs to someone else until
 * the code has shown otherwise; another owner's object answers 404; bad input is a 400, never a 500.
 */
describe('attacks on ownership, counters and input', () => {
  let app: NestExpressApplication;
  let url: string;
  let s: Session;
  /** Another merchant, with its own terminal, owner and staff. */
  let other: { merchantId: string; terminal: TestTerminal; owner: TestStaff };
  let owner: TestStaff;
  let staff: TestStaff;
  let stranger: TestUser;
  let strangersCard: string;
  let paid: string;
  const http = () => request(app.getHttpServer());

  beforeAll(async () => {
    app = await createTestApp();
    url = await listen(app);
    s = await seedSession(app, { dailyLimit: 10_000_000, singleTransactionLimit: 5_000_000 });
    await relaxFraudRules(app, s.adminToken);
    owner = await inviteStaff(app, s.adminToken, s.merchant.merchantId, 'owner');
    staff = await inviteStaff(app, owner.token, s.merchant.merchantId, 'staff');
    const merchantB = await createMerchant(app, s.adminToken);
    other = {
      merchantId: merchantB.merchantId,
      terminal: await createTerminal(app, s.adminToken, merchantB.merchantId),
      owner: await inviteStaff(app, s.adminToken, merchantB.merchantId, 'owner'),
    };
    stranger = await registerUser(app, 'stranger');
    strangersCard = await registerCard(app, stranger);
    paid = await settledPayment(app, s, 50_000);
  });
  afterEach(() => closeClients());
  afterAll(() => closeTestApp(app));

  describe('PIN', () => {
    const pinCard = async () => {
      const cardUuid = await registerCard(app, s.user, { dailyLimit: 10_000_000, singleTransactionLimit: 5_000_000 });
      await http().put(`/api/cards/${cardUuid}/pin`).set(bearer(s.user.token)).send({ pin: PIN, password: PASSWORD }).expect(200);
      await http().patch(`/api/cards/${cardUuid}/limits`).set(bearer(s.adminToken)).send({ cvmLimit: 100_000 }).expect(200);
      return cardUuid;
    };
    const waitingTap = async (cardUuid: string) => {
      const res = await pay(app, s.terminal.token, { cardUuid, amount: 150_000, merchantId: s.terminal.merchantId, terminalId: s.terminal.terminalId });
      expect(res.body.status).toBe('requires_pin');
      return res.body.transactionId as string;
    };

    it("another merchant's terminal, or another terminal of the same merchant, cannot probe the PIN nor spend the card's attempts", async () => {
      const cardUuid = await pinCard();
      const transactionId = await waitingTap(cardUuid);
      const sibling = await createTerminal(app, s.adminToken, s.merchant.merchantId);
      for (const token of [other.terminal.token, sibling.token]) {
        for (let i = 0; i < 4; i += 1) {
          const res = await http().post(`/api/payment/${transactionId}/pin`).set(bearer(token)).send({ pin: '0000' });
          expect(res.status).toBe(404);
          expect(res.body).toMatchObject({ success: false, message: 'Transaction not found' });
        }
      }
      for (const token of [s.user.token, staff.token, s.adminToken]) expect((await http().post(`/api/payment/${transactionId}/pin`).set(bearer(token)).send({ pin: '0000' })).status).toBe(403);
      const wrong = await http().post(`/api/payment/${transactionId}/pin`).set(bearer(s.terminal.token)).send({ pin: '0000' });
      expect(wrong.body).toMatchObject({ declineCode: 'pin_incorrect', attemptsLeft: 2 });
      expect((await http().get(`/api/cards/${cardUuid}`).set(bearer(s.user.token))).body.card.status).toBe('active');
      expect((await http().post(`/api/payment/${transactionId}/pin`).set(bearer(s.terminal.token)).send({ pin: PIN })).status).toBe(200);
    });

    it('a PIN block is lifted only with the password: blocking and unblocking the card (a session without the password) keeps it, and the password lifts it after', async () => {
      const cardUuid = await pinCard();
      const transactionId = await waitingTap(cardUuid);
      for (let i = 0; i < 3; i += 1) await http().post(`/api/payment/${transactionId}/pin`).set(bearer(s.terminal.token)).send({ pin: '0000' });
      const status = async () => (await http().get(`/api/cards/${cardUuid}`).set(bearer(s.user.token)).expect(200)).body.card.status;
      expect(await status()).toBe('pin_blocked');
      await http().post(`/api/cards/${cardUuid}/block`).set(bearer(s.user.token)).send({}).expect(200);
      await http().post(`/api/cards/${cardUuid}/unblock`).set(bearer(s.user.token)).send();
      expect(await status()).toBe('pin_blocked');
      const small = await pay(app, s.terminal.token, { cardUuid, amount: 1_000, merchantId: s.terminal.merchantId, terminalId: s.terminal.terminalId });
      expect(small.status).toBe(400);
      await http().post(`/api/cards/${cardUuid}/pin/unblock`).set(bearer(s.user.token)).send({ password: PASSWORD }).expect(200);
      expect(await status()).toBe('active');
      const again = await waitingTap(cardUuid);
      expect((await http().post(`/api/payment/${again}/pin`).set(bearer(s.terminal.token)).send({ pin: PIN })).status).toBe(200);
    });

    it('a card an admin blocked over a PIN block, then unblocked, still takes its holder\'s PIN unblock (and not a stuck attempts count)', async () => {
      const cardUuid = await pinCard();
      const transactionId = await waitingTap(cardUuid);
      for (let i = 0; i < 3; i += 1) await http().post(`/api/payment/${transactionId}/pin`).set(bearer(s.terminal.token)).send({ pin: '0000' });
      await http().post(`/api/cards/${cardUuid}/block`).set(bearer(s.adminToken)).send({}).expect(200);
      await http().post(`/api/cards/${cardUuid}/unblock`).set(bearer(s.adminToken)).send().expect(200);
      await http().post(`/api/cards/${cardUuid}/pin/unblock`).set(bearer(s.user.token)).send({ password: PASSWORD }).expect(200);
      const again = await waitingTap(cardUuid);
      expect((await http().post(`/api/payment/${again}/pin`).set(bearer(s.terminal.token)).send({ pin: PIN })).status).toBe(200);
    });

    it('a malformed PIN or transaction id is a 400, and an unknown payment a 404', async () => {
      const transactionId = await waitingTap(await pinCard());
      for (const body of [{}, { pin: 1234 }, { pin: '12a4' }, { pin: '123' }, { pin: '1234567' }, { pin: ['1234'] }, { pin: '1234', extra: 1 }]) {
        const res = await http().post(`/api/payment/${transactionId}/pin`).set(bearer(s.terminal.token)).send(body);
        expect(res.status).toBe(400);
      }
      expect((await http().post('/api/payment/nfc_unknown_0/pin').set(bearer(s.terminal.token)).send({ pin: PIN })).status).toBe(404);
      expect((await http().post(`/api/payment/${encodeURIComponent('a b$')}/pin`).set(bearer(s.terminal.token)).send({ pin: PIN })).status).toBe(400);
    });

    it("someone else's card: PIN set, unblock and limits answer 404 (before any 403 for cvm fields), and the holder cannot set cvm fields", async () => {
      const cardUuid = await pinCard();
      expect((await http().put(`/api/cards/${cardUuid}/pin`).set(bearer(stranger.token)).send({ pin: '1111', password: PASSWORD })).status).toBe(404);
      expect((await http().post(`/api/cards/${cardUuid}/pin/unblock`).set(bearer(stranger.token)).send({ password: PASSWORD })).status).toBe(404);
      expect((await http().patch(`/api/cards/${cardUuid}/limits`).set(bearer(stranger.token)).send({ cvmLimit: 10_000_000 })).status).toBe(404);
      expect((await http().patch(`/api/cards/${cardUuid}/limits`).set(bearer(stranger.token)).send({ dailyLimit: 1 })).status).toBe(404);
      expect((await http().patch(`/api/cards/${cardUuid}/limits`).set(bearer(s.user.token)).send({ cvmLimit: 10_000_000 })).status).toBe(403);
      expect((await http().patch(`/api/cards/${cardUuid}/limits`).set(bearer(s.user.token)).send({ cvmConsecutiveTaps: 0 })).status).toBe(403);
      for (const token of [s.terminal.token, owner.token]) expect((await http().put(`/api/cards/${cardUuid}/pin`).set(bearer(token)).send({ pin: '1111', password: PASSWORD })).status).toBe(403);
      for (const body of [{ cvmLimit: -1 }, { cvmLimit: 1.5 }, { cvmLimit: '100' }, { cvmConsecutiveTaps: -1 }, { cvmConsecutiveTaps: 'x' }, { cvmLimit: 1e20 }, { cvmLimit: null }, { cvmConsecutiveTaps: null }, { dailyLimit: null }]) {
        expect((await http().patch(`/api/cards/${cardUuid}/limits`).set(bearer(s.adminToken)).send(body)).status).toBe(400);
      }
      // The PIN never shows in a card's view.
      const view = await http().get(`/api/cards/${cardUuid}`).set(bearer(s.user.token)).expect(200);
      expect(JSON.stringify(view.body)).not.toMatch(/scrypt|hash|"pin"/i);
    });
  });

  describe('refunds', () => {
    const refund = (token: string, transactionId: string, body: Record<string, unknown> = {}, key?: string) => {
      const call = http().post(`/api/payment/${transactionId}/refunds`).set(bearer(token));
      if (key) call.set('Idempotency-Key', key);
      return call.send(body);
    };

    it("another merchant's terminal and staff, and cardholders, cannot refund, list or cancel this merchant's refunds", async () => {
      for (const token of [other.terminal.token, other.owner.token]) {
        expect((await refund(token, paid, { amount: 1 })).status).toBe(404);
        expect((await http().get(`/api/payment/${paid}/refunds`).set(bearer(token))).status).toBe(404);
      }
      expect((await refund(s.user.token, paid, { amount: 1 })).status).toBe(403);
      expect((await http().get(`/api/payment/${paid}/refunds`).set(bearer(stranger.token))).status).toBe(404);
      expect((await http().get(`/api/payment/${paid}/refunds`).set(bearer(s.user.token))).status).toBe(200);
    });

    it('bad amounts and reasons are 400s', async () => {
      for (const body of [{ amount: 0 }, { amount: -5 }, { amount: 1.5 }, { amount: '100' }, { amount: 1e15 }, { amount: null }, { reason: 'because' }, { amount: 1, currency: 'USD' }]) {
        const res = await refund(staff.token, paid, body);
        expect(res.status).toBe(400);
        expect(res.body.success).toBe(false);
      }
      expect((await refund(staff.token, paid, { amount: 1 }, ' ')).status).toBe(400);
    });

    it("a refund id of another payment under this payment's path answers 404", async () => {
      const second = await settledPayment(app, s, 20_000);
      const made = await refund(staff.token, second, { amount: 1_000 });
      expect(made.status).toBe(202);
      const res = await http().post(`/api/payment/${paid}/refunds/${made.body.refund.id}/cancel`).set(bearer(staff.token));
      expect(res.status).toBe(404);
      expect((await http().post(`/api/payment/${second}/refunds/${made.body.refund.id}/cancel`).set(bearer(other.terminal.token))).status).toBe(404);
    });

    it('an Idempotency-Key reused with a different body answers 409, not the first refund', async () => {
      const key = uniqueId('refund-key');
      const first = await refund(staff.token, paid, { amount: 1_000 }, key);
      expect(first.status).toBe(202);
      expect((await refund(staff.token, paid, { amount: 1_000 }, key)).body.refund.id).toBe(first.body.refund.id);
      const changed = await refund(staff.token, paid, { amount: 9_000 }, key);
      expect(changed.status).toBe(409);
      expect((await refund(staff.token, paid, { amount: 1_000, reason: 'fraudulent' }, key)).status).toBe(409);
    });
  });

  describe('merchants, staff, payouts', () => {
    it('staff (not the owner) cannot invite; nobody but an admin invites an admin; an owner cannot invite into another merchant', async () => {
      const invite = (token: string, merchantId: string, role: string) => http().post(`/api/merchants/${merchantId}/users`).set(bearer(token)).send({ email: `${uniqueId('x')}@example.com`, role });
      expect((await invite(staff.token, s.merchant.merchantId, 'staff')).status).toBe(403);
      expect((await invite(owner.token, s.merchant.merchantId, 'admin')).status).toBe(400);
      expect((await invite(owner.token, other.merchantId, 'staff')).status).toBe(404);
      expect((await invite(s.terminal.token, s.merchant.merchantId, 'staff')).status).toBe(403);
      expect((await invite(s.user.token, s.merchant.merchantId, 'staff')).status).toBe(403);
      expect((await http().get(`/api/merchants/${other.merchantId}/users`).set(bearer(owner.token))).status).toBe(404);
    });

    it("another merchant's terminals cannot be listed, disabled or re-keyed, not even under one's own merchant's path", async () => {
      const victim = s.terminal.terminalId;
      const mine = `/api/merchants/${other.merchantId}/terminals`;
      expect((await http().post(`${mine}/${victim}/disable`).set(bearer(other.owner.token))).status).toBe(404);
      expect((await http().post(`${mine}/${victim}/rotate-secret`).set(bearer(other.owner.token))).status).toBe(404);
      expect((await http().post(`/api/merchants/${s.merchant.merchantId}/terminals/${victim}/disable`).set(bearer(other.owner.token))).status).toBe(404);
      expect((await http().get(`/api/merchants/${s.merchant.merchantId}/terminals`).set(bearer(other.terminal.token))).status).toBe(404);
      expect((await http().patch(`/api/merchants/${s.merchant.merchantId}/webhook`).set(bearer(other.owner.token)).send({ webhookUrl: 'https://attacker.example.com/hook' })).status).toBe(404);
      expect((await http().post(`/api/merchants/${s.merchant.merchantId}/webhook-secret/rotate`).set(bearer(other.owner.token))).status).toBe(404);
      expect((await http().get(`/api/merchants/${s.merchant.merchantId}/webhooks/deliveries`).set(bearer(other.terminal.token))).status).toBe(404);
      // The victim's terminal still works.
      expect((await http().get(`/api/merchants/${s.merchant.merchantId}`).set(bearer(s.terminal.token))).status).toBe(200);
    });

    it('an invite token is accepted once, even by two at once', async () => {
      const invited = await http().post(`/api/merchants/${s.merchant.merchantId}/users`).set(bearer(owner.token)).send({ email: `${uniqueId('race')}@example.com`, role: 'staff' }).expect(201);
      const accept = () => http().post('/api/auth/invites/accept').send({ inviteToken: invited.body.inviteToken, password: PASSWORD, fullName: 'Racer' });
      const answers = await Promise.all([accept(), accept(), accept()]);
      expect(answers.map((a) => a.status).sort()).toEqual([200, 401, 401]);
      expect((await accept()).status).toBe(401);
      const list = await http().get(`/api/merchants/${s.merchant.merchantId}/users`).set(bearer(owner.token)).expect(200);
      expect(JSON.stringify(list.body)).not.toMatch(/passwordHash|inviteTokenHash/);
    });

    it("GET /api/merchants: staff see only their own merchant, terminals and cardholders none, and nobody sees another's secrets", async () => {
      const mine = await http().get('/api/merchants').set(bearer(staff.token)).expect(200);
      const ids = JSON.stringify(mine.body);
      expect(ids).toContain(s.merchant.merchantId);
      expect(ids).not.toContain(other.merchantId);
      expect(ids).not.toMatch(/webhookSecret"|secretHash|privateKey/i);
      expect((await http().get('/api/merchants').set(bearer(s.terminal.token))).status).toBe(403);
      expect((await http().get('/api/merchants').set(bearer(s.user.token))).status).toBe(403);
      expect((await http().get(`/api/merchants/${other.merchantId}`).set(bearer(staff.token))).status).toBe(404);
      expect((await http().get(`/api/merchants/${other.merchantId}`).set(bearer(s.terminal.token))).status).toBe(404);
      const all = await http().get('/api/merchants').set(bearer(s.adminToken)).expect(200);
      expect(JSON.stringify(all.body)).not.toMatch(/webhookSecret"|secretHash|privateKey|encryptedKey/i);
    });

    it("balance and payouts: another merchant's answer 404, staff cannot take a payout, bad amounts are 400s, a reused key with another amount is 409", async () => {
      const base = `/api/merchants/${s.merchant.merchantId}`;
      expect((await http().get(`${base}/balance`).set(bearer(other.owner.token))).status).toBe(404);
      expect((await http().get(`${base}/payouts`).set(bearer(other.owner.token))).status).toBe(404);
      expect((await http().post(`${base}/payouts`).set(bearer(other.owner.token)).send({ amount: 1 })).status).toBe(404);
      expect((await http().post(`${base}/payouts`).set(bearer(staff.token)).send({ amount: 1 })).status).toBe(403);
      expect((await http().get(`${base}/balance`).set(bearer(s.terminal.token))).status).toBe(403);
      for (const body of [{ amount: 0 }, { amount: -1 }, { amount: 2.5 }, { amount: '5' }, { amount: 1e18 }, { amount: 1, walletAddress: '0xattacker' }, { amount: null }]) {
        expect((await http().post(`${base}/payouts`).set(bearer(owner.token)).send(body)).status).toBe(400);
      }
      const key = uniqueId('payout-key');
      const first = await http().post(`${base}/payouts`).set(bearer(owner.token)).set('Idempotency-Key', key).send({ amount: 1_000 });
      expect(first.status).toBe(202);
      expect((await http().post(`${base}/payouts`).set(bearer(owner.token)).set('Idempotency-Key', key).send({ amount: 2_000 })).status).toBe(409);
    });
  });

  describe('payments', () => {
    it("another merchant's staff and terminals, and other cardholders, neither see, list nor cancel a payment", async () => {
      const res = await pay(app, s.terminal.token, { cardUuid: s.cardUuid, amount: 150_000, merchantId: s.terminal.merchantId, terminalId: s.terminal.terminalId });
      expect(res.status).toBe(202);
      const { transactionId } = res.body;
      for (const token of [other.terminal.token, other.owner.token, stranger.token]) {
        expect((await http().get(`/api/payment/status/${transactionId}`).set(bearer(token))).status).toBe(404);
        expect((await http().post(`/api/payment/${transactionId}/cancel`).set(bearer(token))).status).toBe(404);
        const list = await http().get(`/api/payment/transactions?cardUuid=${s.cardUuid}`).set(bearer(token));
        expect(list.status).toBeLessThan(500);
        expect(JSON.stringify(list.body)).not.toContain(transactionId);
      }
      // A terminal cannot take a payment in another merchant's name, nor at another's terminal.
      const forged = await pay(app, s.terminal.token, { cardUuid: s.cardUuid, amount: 1_000, merchantId: other.merchantId, terminalId: other.terminal.terminalId });
      expect(forged.status).toBe(403);
      // A cardholder cannot pay with another's card.
      const theirs = await pay(app, stranger.token, { cardUuid: s.cardUuid, amount: 1_000, merchantId: s.terminal.merchantId, terminalId: s.terminal.terminalId });
      expect(theirs.status).toBe(400);
      expect(theirs.body).toMatchObject({ success: false, declineCode: 'card_invalid' });
    });
  });

  describe('payment requests', () => {
    it("a cardholder cannot pay with another's card, cannot change the amount, and another merchant cannot read the request", async () => {
      const created = await http().post('/api/payment-requests').set(bearer(s.terminal.token)).send({ amount: 30_000 });
      expect(created.status).toBe(201);
      const id = created.body.paymentRequestId ?? created.body.paymentRequest?.id ?? created.body.id;
      expect(typeof id).toBe('string');
      const byStranger = await http().post(`/api/payment-requests/${id}/pay`).set(bearer(stranger.token)).send({ cardUuid: s.cardUuid });
      expect(byStranger.status).toBe(400);
      expect(byStranger.body).toMatchObject({ success: false, declineCode: 'card_invalid' });
      expect((await http().post(`/api/payment-requests/${id}/pay`).set(bearer(s.user.token)).send({ cardUuid: s.cardUuid, amount: 1 })).status).toBe(400);
      expect((await http().get(`/api/payment-requests/${id}`).set(bearer(other.terminal.token))).status).toBe(404);
      expect((await http().get(`/api/payment-requests/${id}`).set(bearer(other.owner.token))).status).toBe(404);
      expect((await http().post('/api/payment-requests').set(bearer(staff.token)).send({ amount: 1, terminalId: other.terminal.terminalId })).status).toBe(404);
      for (const amount of [0, -1, 1.5, '10', 1e18]) expect((await http().post('/api/payment-requests').set(bearer(s.terminal.token)).send({ amount })).status).toBe(400);
    });
  });

  describe('offline taps, analytics, fraud', () => {
    it('offline taps: malformed batches are 400s', async () => {
      const at = new Date().toISOString();
      for (const body of [{}, { taps: [] }, { taps: [{ sequence: -1, tappedAt: at, amount: 1, cardUuid: s.cardUuid }] }, { taps: [{ sequence: 1, tappedAt: 'yesterday', amount: 1, cardUuid: s.cardUuid }] }, { taps: [{ sequence: 1, tappedAt: at, amount: 0, cardUuid: s.cardUuid }] }, { taps: [{ sequence: 1, tappedAt: at, amount: 1 }] }, { taps: 'x' }]) {
        const res = await http().post('/api/payment/offline').set(bearer(s.terminal.token)).send(body);
        expect(res.status).toBe(400);
      }
      expect((await http().post('/api/payment/offline').set(bearer(staff.token)).send({ taps: [{ sequence: 1, tappedAt: at, amount: 1, cardUuid: s.cardUuid }] })).status).toBe(403);
    });

    it("analytics of another merchant are refused to its staff and terminals; bad ranges are 400s", async () => {
      const day = new Date().toISOString().slice(0, 10);
      const q = `merchantId=${other.merchantId}&from=${day}T00:00:00.000Z&to=${day}T23:00:00.000Z`;
      for (const token of [staff.token, s.terminal.token]) {
        const res = await http().get(`/api/analytics/summary?${q}`).set(bearer(token));
        expect([403, 404]).toContain(res.status);
        expect(JSON.stringify(res.body)).not.toContain('volume');
      }
      expect((await http().get('/api/analytics/summary').set(bearer(s.user.token))).status).toBe(403);
      const range = `from=${day}T00:00:00.000Z&to=${day}T23:00:00.000Z`;
      expect((await http().get(`/api/analytics/timeseries?${range}&metric=volume&interval=hour`).set(bearer(s.adminToken))).status).toBe(200);
      for (const query of [
        'from=yesterday&to=now&metric=volume&interval=hour',
        `from=${day}T23:00:00.000Z&to=${day}T00:00:00.000Z&metric=volume&interval=hour`,
        `${range}&interval=week&metric=volume`,
        `${range}&interval=hour&metric=passwords`,
        `${range}&metric=volume&interval=hour&merchantId[$ne]=x`,
        `${range}&metric=volume&interval=hour&merchantId=%24where`,
      ]) {
        const res = await http().get(`/api/analytics/timeseries?${query}`).set(bearer(s.adminToken));
        expect(res.status).toBe(400);
      }
    });

    it('the fraud routes are for admins only', async () => {
      for (const token of [staff.token, owner.token, s.terminal.token, s.user.token]) {
        for (const path of ['/api/fraud/rules', '/api/fraud/reviews', '/api/fraud/lists']) {
          const res = await http().get(path).set(bearer(token));
          expect([403, 404]).toContain(res.status);
          if (res.status === 404) expect(res.body.message).not.toMatch(/Cannot GET/);
        }
        expect((await http().put('/api/fraud/rules').set(bearer(token)).send({ rules: { velocity: { enabled: false } } })).status).toBe(403);
      }
    });
  });

  describe('query strings', () => {
    it('malformed pages, cursors and filters are 400s, never 500s', async () => {
      for (const path of ['/api/merchants?limit=abc', '/api/merchants?limit=0', '/api/merchants?cursor=%24%24%24', '/api/merchants?cursor[$gt]=a', '/api/payment/transactions?limit=-1', '/api/payment/transactions?cardUuid[$ne]=x', '/api/payment/transactions?status=owned']) {
        const res = await http().get(path).set(bearer(s.adminToken));
        expect(res.status).toBe(400);
        expect(res.body).toMatchObject({ success: false });
      }
    });
  });

  describe('dashboard', () => {
    it('serves its own two files and nothing else (no prototype keys, no paths)', async () => {
      for (const asset of ['constructor', '__proto__', 'toString', '..%2F..%2Fpackage.json', '%2e%2e%2f.env', 'index.html']) {
        const res = await http().get(`/dashboard/${asset}`);
        expect(res.status).toBe(404);
        expect(res.text).not.toMatch(/"name":\s*"nfc-pay"|JWT_SECRET/);
      }
    });
  });

  describe('socket rooms', () => {
    it("nobody joins another merchant's payment room or another holder's card room", async () => {
      for (const token of [other.terminal.token, other.owner.token, stranger.token]) {
        const { socket } = await connect(url, { token });
        const tx = await ack<{ success: boolean }>(socket, 'subscribe:transaction', paid);
        expect(tx.success).toBe(false);
        const card = await ack<{ success: boolean }>(socket, 'subscribe:card', s.cardUuid);
        expect(card.success).toBe(false);
      }
      const { socket } = await connect(url, { token: s.user.token });
      expect((await ack<{ success: boolean }>(socket, 'subscribe:card', strangersCard)).success).toBe(false);
      expect((await ack<{ success: boolean }>(socket, 'subscribe:card', s.cardUuid)).success).toBe(true);
    });
  });
});
