import { getModelToken } from '@nestjs/mongoose';
import { NestExpressApplication } from '@nestjs/platform-express';
import type { Model } from 'mongoose';
import request from 'supertest';
import { PaymentRequest, PaymentRequestClaim } from '../src/payment-requests/payment-request.schema';
import { InitiatePaymentUseCase } from '../src/payments/use-cases/initiate-payment.use-case';
import { closeTestApp, createTestApp } from './support/test-app';
import { bearer, registerCard, registerUser, seedSession, Session, TestUser } from './support/session';
import { relaxFraudRules } from './support/payments';

/** A process that dies: the call never returns to its caller's clean-up. */
const died = () => new Error('process died here');

describe('a payment request whose payer died midway', () => {
  let app: NestExpressApplication;
  let s: Session;
  let other: { user: TestUser; cardUuid: string };
  const http = () => request(app.getHttpServer());

  beforeAll(async () => {
    app = await createTestApp();
    s = await seedSession(app);
    await relaxFraudRules(app, s.adminToken);
    const user = await registerUser(app, 'second-payer');
    other = { user, cardUuid: await registerCard(app, user) };
  });
  afterEach(() => jest.restoreAllMocks());
  afterAll(() => closeTestApp(app));

  const create = async (amount: number) => (await http().post('/api/payment-requests').set(bearer(s.terminal.token)).send({ amount }).expect(201)).body.id as string;
  const payAs = (id: string, token: string, cardUuid: string) => http().post(`/api/payment-requests/${id}/pay`).set(bearer(token)).send({ cardUuid });
  const view = async (id: string) => (await http().get(`/api/payment-requests/${id}`).set(bearer(s.terminal.token)).expect(200)).body as { status: string; transactionId: string | null };
  const paymentsOf = async (amount: number) =>
    ((await http().get('/api/payment/transactions').set(bearer(s.terminal.token)).expect(200)).body.transactions as Array<{ amount: number; status: string }>).filter((t) => t.amount === amount && t.status !== 'declined');
  /** Dies after claiming, before any payment is written. */
  const dieBeforeThePayment = () => jest.spyOn(app.get(InitiatePaymentUseCase), 'execute').mockRejectedValueOnce(died());
  /** Dies after the payment is accepted, before the request learns of it. */
  const dieAfterThePayment = () => {
    const requests = app.get<Model<PaymentRequest>>(getModelToken(PaymentRequest.name));
    jest.spyOn(requests, 'updateOne').mockImplementationOnce(() => ({ exec: () => Promise.reject(died()) }) as never);
  };
  /** As if the claim were taken minutes ago. */
  const age = (id: string) => app.get<Model<PaymentRequestClaim>>(getModelToken(PaymentRequestClaim.name)).updateOne({ _id: id }, { $set: { at: new Date(Date.now() - 180_000) } }).exec();

  it('is completed by its payer paying again: one payment', async () => {
    const id = await create(2_101);
    dieBeforeThePayment();
    await payAs(id, s.user.token, s.cardUuid).expect(500);
    expect((await view(id)).status).toBe('open');
    // Held for its payer meanwhile.
    expect((await payAs(id, other.user.token, other.cardUuid).expect(409)).body.code).toBe('payment_request_paid');
    const paid = await payAs(id, s.user.token, s.cardUuid).expect(202);
    expect(await view(id)).toMatchObject({ status: 'paid', transactionId: paid.body.transactionId });
    expect(await paymentsOf(2_101)).toHaveLength(1);
  });

  it('answers its payer the payment already made when only the request missed it', async () => {
    const id = await create(2_202);
    dieAfterThePayment();
    await payAs(id, s.user.token, s.cardUuid).expect(500);
    const again = await payAs(id, s.user.token, s.cardUuid).expect(202);
    expect(await view(id)).toMatchObject({ status: 'paid', transactionId: again.body.transactionId });
    expect(await paymentsOf(2_202)).toHaveLength(1);
    await payAs(id, other.user.token, other.cardUuid).expect(409);
  });

  it('is given up after a while when no payment was made: another cardholder pays it', async () => {
    const id = await create(2_303);
    dieBeforeThePayment();
    await payAs(id, s.user.token, s.cardUuid).expect(500);
    await payAs(id, other.user.token, other.cardUuid).expect(409);
    await age(id);
    const paid = await payAs(id, other.user.token, other.cardUuid).expect(202);
    expect(await view(id)).toMatchObject({ status: 'paid', transactionId: paid.body.transactionId });
    // The first payer, back too late, pays nothing.
    await payAs(id, s.user.token, s.cardUuid).expect(409);
    expect(await paymentsOf(2_303)).toHaveLength(1);
  });

  it('is completed, not given up, when the abandoned claim has its payment', async () => {
    const id = await create(2_404);
    dieAfterThePayment();
    await payAs(id, s.user.token, s.cardUuid).expect(500);
    expect((await view(id)).status).toBe('open');
    await age(id);
    expect((await payAs(id, other.user.token, other.cardUuid).expect(409)).body.code).toBe('payment_request_paid');
    const [made] = await paymentsOf(2_404);
    expect(made).toBeDefined();
    expect((await view(id)).status).toBe('paid');
    expect(await paymentsOf(2_404)).toHaveLength(1);
  });
});
