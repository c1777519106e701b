import type { NestExpressApplication } from '@nestjs/platform-express';
import request from 'supertest';
import { systemClock } from '../src/common/time/clock';
import { OutboxSweeper } from '../src/payments/outbox-sweeper';
import { ledgerBalance, pay, relaxFraudRules, statusOf, waitForFinal } from './support/payments';
import { closeClients, connect, listen, nextEvent } from './realtime/realtime-support';
import { bearer, createMerchant, createTerminal, registerCard, seedSession, type Session, type TestTerminal } from './support/session';
import { pairDevice, signed } from './support/signed-terminal';
import { closeTestApp, createTestApp } from './support/test-app';

const PASSWORD = 'correct horse battery';
const PIN = '4821';
const CVM_LIMIT = 100_000;
/** Above CVM_LIMIT: needs the PIN. */
const LARGE = 150_000;

/** A tap above the contactless limit (or in the fraud review band) waits for the cardholder's PIN at the terminal. */
describe('PIN above the contactless limit', () => {
  let app: NestExpressApplication;
  let url: string;
  let s: Session;
  const http = () => request(app.getHttpServer());

  /** A card of the session's holder with a PIN (unless `pin: null`) and, set by the admin, a cvmLimit. */
  const newCard = async ({ pin = PIN as string | null, cvmLimit = CVM_LIMIT as number | null, dailyLimit = 10_000_000 } = {}) => {
    const cardUuid = await registerCard(app, s.user, { dailyLimit, singleTransactionLimit: Math.min(5_000_000, dailyLimit) });
    if (pin) await http().put(`/api/cards/${cardUuid}/pin`).set(bearer(s.user.token)).send({ pin, password: PASSWORD }).expect(200);
    if (cvmLimit) await http().patch(`/api/cards/${cardUuid}/limits`).set(bearer(s.adminToken)).send({ cvmLimit }).expect(200);
    return cardUuid;
  };
  const tap = (cardUuid: string, amount: number, terminal: TestTerminal = s.terminal, idempotencyKey?: string) =>
    pay(app, terminal.token, { cardUuid, amount, merchantId: terminal.merchantId, terminalId: terminal.terminalId }, idempotencyKey);
  const enterPin = (transactionId: string, pin: string, token = s.terminal.token) => http().post(`/api/payment/${transactionId}/pin`).set(bearer(token)).send({ pin });
  const waitingTap = async (cardUuid: string, amount = LARGE, terminal: TestTerminal = s.terminal): Promise<string> => {
    const res = await tap(cardUuid, amount, terminal);
    expect(res.status).toBe(202);
    expect(res.body.status).toBe('requires_pin');
    return res.body.transactionId;
  };
  const cardStatus = async (cardUuid: string) => (await http().get(`/api/cards/${cardUuid}`).set(bearer(s.user.token)).expect(200)).body.card.status;
  /** Runs one outbox sweep (the worker's periodic work) as if `ms` had passed. */
  const sweepLater = async (ms: number) => {
    const later = new Date(Date.now() + ms);
    const clock = jest.spyOn(systemClock, 'now').mockReturnValue(later);
    try {
      await app.get(OutboxSweeper).sweep();
    } finally {
      clock.mockRestore();
    }
  };

  beforeAll(async () => {
    app = await createTestApp();
    url = await listen(app);
    s = await seedSession(app);
    await relaxFraudRules(app, s.adminToken);
  });
  afterEach(() => closeClients());
  afterAll(() => closeTestApp(app));

  it("leaves the seed's flow alone: 75 000 VND is far below the default limit of 1 000 000", async () => {
    const res = await tap(s.cardUuid, 75_000);
    expect(res.status).toBe(202);
    expect(res.body.status).toBe('pending');
    expect((await waitForFinal(app, s.terminal.token, res.body.transactionId)).status).toBe('completed');
    const card = await http().get(`/api/cards/${s.cardUuid}`).set(bearer(s.user.token)).expect(200);
    expect(card.body.card.cvmLimit).toBe(1_000_000);
  });

  it('above the cvmLimit answers 202 requires_pin with the limit reserved, tells the terminal on its socket, replays the same answer; the right PIN settles it', async () => {
    const cardUuid = await newCard({ dailyLimit: 200_000 });
    const { socket } = await connect(url, { token: s.terminal.token });
    const told = nextEvent<{ transactionId: string; status: string; nextAction: { type: string; expiresAt: string } }>(socket, 'transaction:requires_pin');

    const first = await tap(cardUuid, LARGE, s.terminal, 'pin-tap-1');
    expect(first.status).toBe(202);
    const transactionId = first.body.transactionId;
    expect(first.body).toMatchObject({ success: true, transactionId, status: 'requires_pin', nextAction: { type: 'enter_pin' }, pinUrl: `/api/payment/${transactionId}/pin` });
    expect(new Date(first.body.nextAction.expiresAt).getTime()).toBeGreaterThan(Date.now());
    expect(await told).toMatchObject({ transactionId, status: 'requires_pin', nextAction: { type: 'enter_pin', expiresAt: first.body.nextAction.expiresAt } });

    const replay = await tap(cardUuid, LARGE, s.terminal, 'pin-tap-1');
    expect(replay.status).toBe(202);
    expect(replay.body).toEqual(first.body);

    const waiting = await statusOf(app, s.terminal.token, transactionId);
    expect(waiting).toMatchObject({ status: 'requires_pin', nextAction: { type: 'enter_pin' } });
    // The limit is reserved already: 150 000 of 200 000 leaves no room for 100 000 (at the cvmLimit, so no PIN asked).
    expect((await tap(cardUuid, 100_000)).body.declineCode).toBe('daily_limit_exceeded');

    const verified = await enterPin(transactionId, PIN).expect(200);
    expect(verified.body).toMatchObject({ success: true, transactionId, status: 'pending' });
    const done = await waitForFinal(app, s.terminal.token, transactionId);
    expect(done.status).toBe('completed');
    expect(done.txHash).toBeTruthy();
    await enterPin(transactionId, PIN).expect(409);
  });

  it('three wrong PINs decline the payment and block the card (pin_blocked) until its holder unblocks it with their password', async () => {
    const cardUuid = await newCard();
    const transactionId = await waitingTap(cardUuid);
    await enterPin(transactionId, '123').expect(400);
    const first = await enterPin(transactionId, '0000').expect(400);
    expect(first.body).toMatchObject({ success: false, declineCode: 'pin_incorrect', attemptsLeft: 2, status: 'requires_pin' });
    expect((await enterPin(transactionId, '0001').expect(400)).body).toMatchObject({ declineCode: 'pin_incorrect', attemptsLeft: 1 });
    const third = await enterPin(transactionId, '0002').expect(400);
    expect(third.body).toMatchObject({ declineCode: 'pin_incorrect', attemptsLeft: 0, status: 'declined', cardStatus: 'pin_blocked' });

    expect(await statusOf(app, s.terminal.token, transactionId)).toMatchObject({ status: 'declined', declineCode: 'pin_tries_exceeded' });
    await enterPin(transactionId, PIN).expect(409);
    expect(await cardStatus(cardUuid)).toBe('pin_blocked');
    expect((await tap(cardUuid, 10_000)).body.declineCode).toBe('card_blocked');

    const unblock = (body: Record<string, unknown>, token = s.user.token) => http().post(`/api/cards/${cardUuid}/pin/unblock`).set(bearer(token)).send(body);
    await unblock({ password: 'wrong password' }).expect(401);
    await unblock({ password: PASSWORD }, s.adminToken).expect(403);
    expect((await unblock({ password: PASSWORD }).expect(200)).body).toEqual({ success: true, status: 'active' });
    await unblock({ password: PASSWORD }).expect(409);
    expect(await cardStatus(cardUuid)).toBe('active');

    // The count starts again after the unblock, and a right PIN starts it again too.
    const next = await waitingTap(cardUuid);
    expect((await enterPin(next, '9999').expect(400)).body.attemptsLeft).toBe(2);
    await enterPin(next, PIN).expect(200);
    expect((await waitForFinal(app, s.terminal.token, next)).status).toBe('completed');
    const after = await waitingTap(cardUuid);
    expect((await enterPin(after, '9999').expect(400)).body.attemptsLeft).toBe(2);
  });

  it('no PIN in time: the sweep expires the payment and gives the daily limit back; a PIN too late answers 410', async () => {
    const cardUuid = await newCard({ dailyLimit: 200_000 });
    const transactionId = await waitingTap(cardUuid);
    await sweepLater(30_000);
    expect((await statusOf(app, s.terminal.token, transactionId)).status).toBe('requires_pin');
    await sweepLater(61_000);
    expect(await statusOf(app, s.terminal.token, transactionId)).toMatchObject({ status: 'expired', declineCode: 'pin_expired', failureReason: 'No PIN entered in time' });
    await enterPin(transactionId, PIN).expect(410);

    // The 150 000 is back: another one fits the 200 000 again. Its PIN comes late too, checked at submission.
    const again = await waitingTap(cardUuid);
    const clock = jest.spyOn(systemClock, 'now').mockReturnValue(new Date(Date.now() + 61_000));
    try {
      const late = await enterPin(again, PIN).expect(410);
      expect(late.body.code).toBe('pin_expired');
    } finally {
      clock.mockRestore();
    }
    expect((await statusOf(app, s.terminal.token, again)).status).toBe('expired');
    const third = await waitingTap(cardUuid);
    await enterPin(third, PIN).expect(200);
    expect((await waitForFinal(app, s.terminal.token, third)).status).toBe('completed');
  });

  it('10 concurrent PIN submissions for one payment settle it once', async () => {
    const merchant = await createMerchant(app, s.adminToken);
    const terminal = await createTerminal(app, s.adminToken, merchant.merchantId);
    const cardUuid = await newCard();
    const transactionId = await waitingTap(cardUuid, LARGE, terminal);
    const before = await ledgerBalance(app, merchant.settlementAddress);

    const answers = await Promise.all(Array.from({ length: 10 }, () => enterPin(transactionId, PIN, terminal.token)));
    const statuses = answers.map((a) => a.status).sort();
    expect(statuses).toEqual([200, ...Array(9).fill(409)]);
    const done = await waitForFinal(app, terminal.token, transactionId);
    expect(done.status).toBe('completed');
    expect(await ledgerBalance(app, merchant.settlementAddress)).toBe(before + BigInt(LARGE) * 1000n);
  });

  it('counts concurrent wrong PINs exactly: no attempt is counted twice, and the card blocks at the third', async () => {
    const cardUuid = await newCard();
    const transactionId = await waitingTap(cardUuid);
    const answers = await Promise.all(['1111', '2222', '3333', '4444', '5555'].map((pin) => enterPin(transactionId, pin)));
    const left = answers.filter((a) => a.body.declineCode === 'pin_incorrect').map((a) => a.body.attemptsLeft as number);
    expect(new Set(left).size).toBe(left.length);
    expect(left).toEqual(expect.arrayContaining([2, 1]));
    for (const other of answers.filter((a) => a.body.declineCode !== 'pin_incorrect')) expect([409, 400]).toContain(other.status);
    expect(await cardStatus(cardUuid)).toBe('pin_blocked');
    expect((await statusOf(app, s.terminal.token, transactionId)).status).toBe('declined');
    await http().post(`/api/cards/${cardUuid}/pin/unblock`).set(bearer(s.user.token)).send({ password: PASSWORD }).expect(200);
  });

  it('a card with no PIN is declined pin_required above its cvmLimit', async () => {
    const cardUuid = await newCard({ pin: null });
    const res = await tap(cardUuid, LARGE);
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ success: false, declineCode: 'pin_required' });
    expect((await tap(cardUuid, 10_000)).body.status).toBe('pending');
  });

  it('only the terminal that took the tap enters its PIN: another terminal or merchant gets 404, a cardholder 403', async () => {
    const cardUuid = await newCard();
    const transactionId = await waitingTap(cardUuid);
    const sameMerchant = await createTerminal(app, s.adminToken, s.merchant.merchantId);
    const elsewhere = await seedSession(app);
    await enterPin(transactionId, PIN, sameMerchant.token).expect(404);
    await enterPin(transactionId, PIN, elsewhere.terminal.token).expect(404);
    await enterPin(transactionId, PIN, s.user.token).expect(403);
    await enterPin('nfc_no_such_payment', PIN).expect(404);
    expect((await statusOf(app, s.terminal.token, transactionId)).status).toBe('requires_pin');
    await enterPin(transactionId, PIN).expect(200);
  });

  it('a paired terminal signs both the tap and its PIN', async () => {
    const device = await pairDevice(app, s.adminToken, s.merchant.merchantId);
    const cardUuid = await newCard();
    const body = { cardUuid, amount: LARGE, merchantId: device.merchantId, terminalId: device.terminalId };
    const tapped = await signed(app, device, 'POST', '/api/payment/process-async', body).expect(202);
    expect(tapped.body.status).toBe('requires_pin');
    const path = `/api/payment/${tapped.body.transactionId}/pin`;
    await enterPin(tapped.body.transactionId, PIN).expect(404);
    await signed(app, device, 'POST', path, { pin: PIN }).expect(200);
  });

  it('a fraud score in the review band steps up to the PIN instead of a manual review (a card without a PIN still goes to review)', async () => {
    const rules = (firstUse: Record<string, unknown>) => http().put('/api/fraud/rules').set(bearer(s.adminToken)).send({ rules: { firstUseLargeAmount: firstUse } }).expect(200);
    // 60 is in the review band (50-79) for a card's first payment of 50 000 or more at a terminal.
    await rules({ enabled: true, weight: 60, minAmount: 50_000 });
    try {
      const cardUuid = await newCard({ cvmLimit: null });
      const transactionId = await waitingTap(cardUuid, 60_000);
      await enterPin(transactionId, PIN).expect(200);
      expect((await waitForFinal(app, s.terminal.token, transactionId)).status).toBe('completed');
      const reviews = await http().get('/api/fraud/reviews?limit=100').set(bearer(s.adminToken)).expect(200);
      expect(reviews.body.reviews.map((r: { transactionId: string }) => r.transactionId)).not.toContain(transactionId);

      const withoutPin = await newCard({ pin: null, cvmLimit: null });
      const reviewed = await tap(withoutPin, 60_000);
      expect(reviewed.body.status).toBe('pending');
    } finally {
      await rules({ enabled: false });
    }
  });

  it('cvmConsecutiveTaps: the N-th tap in a row without a PIN needs one, and a PIN-verified payment starts the count again', async () => {
    const cardUuid = await newCard({ cvmLimit: null });
    await http().patch(`/api/cards/${cardUuid}/limits`).set(bearer(s.user.token)).send({ cvmConsecutiveTaps: 3 }).expect(403);
    const set = await http().patch(`/api/cards/${cardUuid}/limits`).set(bearer(s.adminToken)).send({ cvmConsecutiveTaps: 3 }).expect(200);
    expect(set.body.card.cvmConsecutiveTaps).toBe(3);
    expect((await tap(cardUuid, 1_000)).body.status).toBe('pending');
    expect((await tap(cardUuid, 1_000)).body.status).toBe('pending');
    const third = await waitingTap(cardUuid, 1_000);
    await enterPin(third, PIN).expect(200);
    expect((await tap(cardUuid, 1_000)).body.status).toBe('pending');
    expect((await tap(cardUuid, 1_000)).body.status).toBe('pending');
    await waitingTap(cardUuid, 1_000);

    const off = await http().patch(`/api/cards/${cardUuid}/limits`).set(bearer(s.adminToken)).send({ cvmConsecutiveTaps: 0 }).expect(200);
    expect(off.body.card.cvmConsecutiveTaps).toBeUndefined();
    expect((await tap(cardUuid, 1_000)).body.status).toBe('pending');
  });
});
