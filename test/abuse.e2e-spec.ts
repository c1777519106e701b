import { NestExpressApplication } from '@nestjs/platform-express';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import request from 'supertest';
import { CardStatusLock } from '../src/cards/card-status-lock';
import { closeTestApp, createTestApp } from './support/test-app';
import { bearer, createMerchant, createTerminal, registerCard, registerUser, seedSession, Session, suiAddress, TestTerminal, TestUser, uniqueId } from './support/session';
import { pay, statusOf, waitForFinal } from './support/payments';
import { waitFor } from './support/wait';
import { ack, client, closeClients, listen, nextEvent } from './realtime/realtime-support';

/** A merchant's card reference: `****` + the card id's last four + a per-merchant token. */
const CARD_REF = /^\*{4}.{4}-[0-9a-f]{16}$/;

/**
 * Abuse through other people's identifiers, undoing an admin's block, and what the merchant side
 * may learn. The fraud rules are the defaults: the attacks are against them.
 */
describe('abuse of identifiers and leaks', () => {
  let app: NestExpressApplication;
  let s: Session;
  const http = () => request(app.getHttpServer());
  const at = (terminal: TestTerminal, cardUuid: string, amount = 1_000) => ({ cardUuid, amount, merchantId: terminal.merchantId, terminalId: terminal.terminalId });

  beforeAll(async () => {
    app = await createTestApp();
    s = await seedSession(app);
  });
  afterAll(() => closeTestApp(app));

  describe("another's counters", () => {
    it("a cardholder's made-up cards at a merchant's terminal count against the cardholder, not the terminal", async () => {
      const terminal = await createTerminal(app, s.adminToken, s.merchant.merchantId);
      const mallory = await registerUser(app, 'mallory');
      const own = await registerCard(app, mallory);
      for (let i = 0; i < 6; i++) {
        const res = await pay(app, mallory.token, at(terminal, uniqueId('made-up'))).expect(400);
        expect(res.body.declineCode).toBe('card_invalid');
      }
      const alice = await registerUser(app, 'alice');
      await pay(app, terminal.token, at(terminal, await registerCard(app, alice))).expect(202);
      // Mallory's own attempts tripped her own counter.
      expect((await pay(app, mallory.token, at(terminal, own)).expect(400)).body.declineCode).toBe('fraud_high_risk');
    });

    it("another user's attempts naming your card never decline it", async () => {
      const alice = await registerUser(app, 'alice');
      const card = await registerCard(app, alice);
      const mallory = await registerUser(app, 'mallory');
      for (let i = 0; i < 5; i++) expect((await pay(app, mallory.token, at(s.terminal, card)).expect(400)).body.declineCode).toBe('card_invalid');
      await pay(app, s.terminal.token, at(s.terminal, card)).expect(202);
      await pay(app, alice.token, at(s.terminal, card)).expect(202);
    });

    it("still catches card testing by the terminal itself, and refuses a terminal naming another's id", async () => {
      const terminal = await createTerminal(app, s.adminToken, s.merchant.merchantId);
      for (let i = 0; i < 5; i++) await pay(app, terminal.token, at(terminal, uniqueId('made-up'))).expect(400);
      const honest = await registerCard(app, await registerUser(app, 'honest'));
      expect((await pay(app, terminal.token, at(terminal, honest)).expect(400)).body.declineCode).toBe('fraud_high_risk');
      await pay(app, terminal.token, at(s.terminal, honest)).expect(403);
      await pay(app, s.terminal.token, at(s.terminal, honest)).expect(202);
    });
  });

  describe('blocks', () => {
    it("a cardholder cannot undo an admin's block by blocking the card themselves", async () => {
      const alice = await registerUser(app, 'alice');
      const card = await registerCard(app, alice);
      await http().post(`/api/cards/${card}/block`).set(bearer(s.adminToken)).send({ reason: 'chargeback' }).expect(200);
      await http().post(`/api/cards/${card}/unblock`).set(bearer(alice.token)).expect(409);
      const again = await http().post(`/api/cards/${card}/block`).set(bearer(alice.token)).send({ reason: 'mine' }).expect(200);
      expect(again.body.card).toMatchObject({ status: 'blocked', blockedBy: 'admin', blockedReason: 'chargeback' });
      await http().post(`/api/cards/${card}/unblock`).set(bearer(alice.token)).expect(409);
      expect((await pay(app, s.terminal.token, at(s.terminal, card)).expect(400)).body.declineCode).toBe('card_blocked');
    });

    it("an admin's block over the holder's own is the admin's to lift", async () => {
      const alice = await registerUser(app, 'alice');
      const card = await registerCard(app, alice);
      await http().post(`/api/cards/${card}/block`).set(bearer(alice.token)).send({}).expect(200);
      await http().post(`/api/cards/${card}/block`).set(bearer(s.adminToken)).send({ reason: 'fraud report' }).expect(200);
      await http().post(`/api/cards/${card}/unblock`).set(bearer(alice.token)).expect(409);
      await http().post(`/api/cards/${card}/unblock`).set(bearer(s.adminToken)).expect(200);
    });

    it('changes one card at a time across callers (the lock the status changes hold)', async () => {
      const lock = app.get(CardStatusLock);
      const card = uniqueId('locked');
      const trace: string[] = [];
      const change = (name: string) => async () => {
        trace.push(`${name}:in`);
        await new Promise((resolve) => setTimeout(resolve, 50));
        trace.push(`${name}:out`);
      };
      await Promise.all([lock.hold(card, change('a'), { required: true }), lock.hold(card, change('b'), { required: true })]);
      expect([trace.slice(0, 2), trace.slice(2)].map((pair) => pair[0].split(':')[0] === pair[1].split(':')[0])).toEqual([true, true]);
    });

    it("a holder's unblocks racing an admin's block never lift it", async () => {
      const alice = await registerUser(app, 'alice');
      const card = await registerCard(app, alice);
      for (let round = 0; round < 3; round++) {
        await http().post(`/api/cards/${card}/unblock`).set(bearer(s.adminToken)).expect(200);
        await http().post(`/api/cards/${card}/block`).set(bearer(alice.token)).send({}).expect(200);
        const unblocks = Array.from({ length: 8 }, () => http().post(`/api/cards/${card}/unblock`).set(bearer(alice.token)).then((res) => res.status));
        const adminBlock = http().post(`/api/cards/${card}/block`).set(bearer(s.adminToken)).send({ reason: 'chargeback' }).expect(200);
        await Promise.all([adminBlock, ...unblocks]);
        const now = await http().get(`/api/cards/${card}`).set(bearer(alice.token)).expect(200);
        expect(now.body.card).toMatchObject({ status: 'blocked', blockedBy: 'admin' });
        await http().post(`/api/cards/${card}/unblock`).set(bearer(alice.token)).expect(409);
      }
    });

    it("another user's blocked card answers like an unknown one; its holder and terminals hear card_blocked", async () => {
      const alice = await registerUser(app, 'alice');
      const card = await registerCard(app, alice);
      await http().post(`/api/cards/${card}/block`).set(bearer(alice.token)).send({}).expect(200);
      const mallory = await registerUser(app, 'mallory');
      const blocked = await pay(app, mallory.token, at(s.terminal, card)).expect(400);
      const unknown = await pay(app, mallory.token, at(s.terminal, uniqueId('never'))).expect(400);
      expect([blocked.body.declineCode, blocked.body.reason]).toEqual([unknown.body.declineCode, unknown.body.reason]);
      expect(blocked.body.declineCode).toBe('card_invalid');
      expect((await pay(app, alice.token, at(s.terminal, card)).expect(400)).body.declineCode).toBe('card_blocked');
      expect((await pay(app, s.terminal.token, at(s.terminal, card)).expect(400)).body.declineCode).toBe('card_blocked');
    });
  });

  describe('what the merchant side sees', () => {
    it("history and status show terminals a masked, per-merchant card reference; holders and admins the card id", async () => {
      const alice = await registerUser(app, 'alice');
      const card = await registerCard(app, alice);
      const second = await createTerminal(app, s.adminToken, s.merchant.merchantId);
      const other = await createMerchant(app, s.adminToken);
      const otherTerminal = await createTerminal(app, s.adminToken, other.merchantId);
      const first = await pay(app, s.terminal.token, at(s.terminal, card)).expect(202);
      const again = await pay(app, second.token, at(second, card)).expect(202);
      await pay(app, otherTerminal.token, at(otherTerminal, card)).expect(202);

      const history = await http().get('/api/payment/transactions').query({ limit: 100 }).set(bearer(second.token)).expect(200);
      expect(JSON.stringify(history.body)).not.toContain(card);
      const ours = history.body.transactions.filter((t: { id: string }) => [first.body.transactionId, again.body.transactionId].includes(t.id));
      expect(ours).toHaveLength(2);
      const refs = new Set(ours.map((t: { cardUuid: string }) => t.cardUuid));
      const [ref] = [...refs] as string[];
      expect(refs.size).toBe(1);
      expect(ref).toMatch(CARD_REF);
      expect(ref.slice(4, 8)).toBe(card.slice(-4));
      expect((await statusOf(app, second.token, first.body.transactionId)).cardUuid).toBe(ref);
      const byRef = await http().get('/api/payment/transactions').query({ cardUuid: ref }).set(bearer(second.token)).expect(200);
      expect(byRef.body.transactions.map((t: { id: string }) => t.id)).toEqual([again.body.transactionId, first.body.transactionId]);
      const byId = await http().get('/api/payment/transactions').query({ cardUuid: card }).set(bearer(second.token)).expect(200);
      expect(byId.body.transactions).toEqual([]);
      const elsewhere = await http().get('/api/payment/transactions').set(bearer(otherTerminal.token)).expect(200);
      expect(elsewhere.body.transactions[0].cardUuid).toMatch(CARD_REF);
      expect(elsewhere.body.transactions[0].cardUuid).not.toBe(ref);

      expect((await statusOf(app, alice.token, first.body.transactionId)).cardUuid).toBe(card);
      expect((await statusOf(app, s.adminToken, first.body.transactionId)).cardUuid).toBe(card);
      const own = await http().get('/api/payment/transactions').set(bearer(alice.token)).expect(200);
      expect(own.body.transactions.map((t: { cardUuid: string }) => t.cardUuid)).toEqual([card, card, card]);
    });

    it('fraud declines give the caller a code and a generic reason; the rule details are for admins', async () => {
      const card = await registerCard(app, await registerUser(app, 'burst'));
      for (let i = 0; i < 3; i++) await pay(app, s.terminal.token, at(s.terminal, card)).expect(202);
      const declined = await pay(app, s.terminal.token, at(s.terminal, card)).expect(400);
      expect(declined.body).toMatchObject({ declineCode: 'fraud_high_risk', reason: 'High fraud risk: declined by risk checks' });
      const seen = await statusOf(app, s.terminal.token, declined.body.transactionId);
      expect(seen.failureReason).toBe('High fraud risk: declined by risk checks');
      expect(JSON.stringify(seen)).not.toMatch(/limit \d|within 60 s/);
      const admin = await statusOf(app, s.adminToken, declined.body.transactionId);
      expect(admin.fraud).toMatchObject({ decision: 'block', reasons: [expect.objectContaining({ rule: 'velocity', detail: expect.stringContaining('limit 3') })] });
    });
  });
});

/** Cancel needs payments that stay pending: an API without workers. */
describe('who may cancel', () => {
  let app: NestExpressApplication;
  let s: Session;
  const http = () => request(app.getHttpServer());

  beforeAll(async () => {
    app = await createTestApp({ env: { APP_ROLE: 'api' } });
    s = await seedSession(app);
  });
  afterAll(() => closeTestApp(app));

  const tap = () => pay(app, s.terminal.token, { cardUuid: s.cardUuid, amount: 1_000, merchantId: s.merchant.merchantId, terminalId: s.terminal.terminalId }).expect(202);

  it("a cardholder cannot void what the merchant's terminal accepted; the merchant can", async () => {
    const { body } = await tap();
    await http().post(`/api/payment/${body.transactionId}/cancel`).set(bearer(s.user.token)).expect(403);
    expect((await statusOf(app, s.user.token, body.transactionId)).status).toBe('pending');
    const second = await createTerminal(app, s.adminToken, s.merchant.merchantId);
    const res = await http().post(`/api/payment/${body.transactionId}/cancel`).set(bearer(second.token)).expect(200);
    expect(res.body.transaction).toMatchObject({ status: 'cancelled', cardUuid: expect.stringMatching(CARD_REF) });
  });

  it('a cardholder cancels what they initiated themselves, and admins anything', async () => {
    const own = await pay(app, s.user.token, { cardUuid: s.cardUuid, amount: 1_000, merchantId: s.merchant.merchantId, terminalId: s.terminal.terminalId }).expect(202);
    await http().post(`/api/payment/${own.body.transactionId}/cancel`).set(bearer(s.user.token)).expect(200);
    const { body } = await tap();
    await http().post(`/api/payment/${body.transactionId}/cancel`).set(bearer(s.adminToken)).expect(200);
  });
});

/** The faucet gives each wallet 10^12 MIST (10^9 VND's worth): a larger payment fails for lack of funds. */
describe('a payment that fails for lack of funds', () => {
  let app: NestExpressApplication;
  let url: string;
  let admin: string;
  let holder: TestUser;
  let terminal: TestTerminal;
  let hook: { url: string; received: string[]; close: () => Promise<void> };

  beforeAll(async () => {
    // The payment is larger than the wallet holds, and than the default contactless limit: it must
    // reach settlement, not stop at the PIN step.
    app = await createTestApp({ env: { LOCAL_LEDGER_FAUCET_MIST: '1000000000000', WEBHOOK_RETRY_DELAY_MS: '100', CVM_LIMIT_DEFAULT: '10000000000' } });
    url = await listen(app);
    hook = await receiver();
    const s = await seedSession(app);
    admin = s.adminToken;
    holder = s.user;
    const merchant = await request(app.getHttpServer())
      .post('/api/merchants')
      .set(bearer(admin))
      .send({ merchantId: uniqueId('HOOKED'), name: 'Hooked Cafe', walletAddress: suiAddress(), webhookUrl: hook.url })
      .expect(201);
    terminal = await createTerminal(app, admin, merchant.body.merchant.merchantId);
  });
  afterAll(async () => {
    closeClients();
    await hook.close();
    await closeTestApp(app);
  });

  it("tells the merchant a code and plain words, never the payer's wallet or balance", async () => {
    const card = await registerCard(app, holder, { dailyLimit: 5_000_000_000, singleTransactionLimit: 5_000_000_000 });
    const socket = client(url, { token: terminal.token });
    await new Promise((resolve) => socket.once('connected', resolve));
    const update = nextEvent<{ cardUuid: string }>(socket, 'transaction:update');
    const failed = nextEvent<{ reason: string }>(socket, 'transaction:failed', 20_000);
    const { body } = await pay(app, terminal.token, { cardUuid: card, amount: 2_000_000_000, merchantId: terminal.merchantId, terminalId: terminal.terminalId }).expect(202);
    expect((await update).cardUuid).toMatch(CARD_REF);

    const seen = await waitForFinal(app, terminal.token, body.transactionId, 20_000);
    expect(seen).toMatchObject({ status: 'failed', failureReason: 'INSUFFICIENT_BALANCE: Insufficient balance' });
    expect((await failed).reason).toBe('INSUFFICIENT_BALANCE: Insufficient balance');
    expect((await ack<{ success: boolean }>(socket, 'subscribe:transaction', body.transactionId)).success).toBe(true);
    const raw = await waitFor(async () => hook.received.find((r) => r.includes(body.transactionId)), 15_000, 'the webhook');
    expect(JSON.parse(raw).data.transaction.failureReason).toBe('INSUFFICIENT_BALANCE: Insufficient balance');
    for (const shown of [JSON.stringify(seen), raw, JSON.stringify(await failed)]) {
      expect(shown).not.toContain(holder.walletAddress!);
      expect(shown).not.toMatch(/MIST|0x[0-9a-f]{20}/);
      expect(shown).not.toContain(card);
    }
    // The details stay with admins.
    expect((await statusOf(app, admin, body.transactionId)).failureReason).toContain(holder.walletAddress!.slice(2, 20));
  });
});

async function receiver(): Promise<{ url: string; received: string[]; close: () => Promise<void> }> {
  const received: string[] = [];
  const server: Server = createServer((req, res) => {
    let raw = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => (raw += chunk));
    req.on('end', () => {
      received.push(raw);
      res.end('ok');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/hooks`, received, close: () => new Promise((resolve) => server.close(() => resolve())) };
}
