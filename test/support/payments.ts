import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { SUI_CLIENT } from '../../src/blockchain/blockchain.tokens';
import { bearer } from './session';
import { waitFor } from './wait';

export interface PaymentBody {
  cardUuid: string;
  amount: number;
  merchantId: string;
  terminalId: string;
}

export function pay(app: INestApplication, token: string, body: PaymentBody, idempotencyKey?: string) {
  const call = request(app.getHttpServer()).post('/api/payment/process-async').set(bearer(token));
  if (idempotencyKey) call.set('Idempotency-Key', idempotencyKey);
  return call.send(body);
}

export async function statusOf(app: INestApplication, token: string, transactionId: string) {
  const res = await request(app.getHttpServer()).get(`/api/payment/status/${transactionId}`).set(bearer(token));
  return res.body.transaction as { id: string; status: string; txHash: string | null; failureReason: string | null; [key: string]: unknown };
}

export function waitForFinal(app: INestApplication, token: string, transactionId: string, timeoutMs = 15_000) {
  return waitFor(
    async () => {
      const transaction = await statusOf(app, token, transactionId);
      return ['completed', 'failed', 'cancelled', 'declined'].includes(transaction.status) && transaction;
    },
    timeoutMs,
    `payment ${transactionId} to finish`,
  );
}

/** The address's SUI balance on the ledger the app settles to, in MIST. */
export async function ledgerBalance(app: INestApplication, owner: string): Promise<bigint> {
  const client = app.get<{ core: { getBalance(o: { owner: string }): Promise<{ balance: { balance: string } }> } }>(SUI_CLIENT, { strict: false });
  return BigInt((await client.core.getBalance({ owner })).balance.balance);
}

/**
 * Turns off the fraud rules that judge a card's cadence (velocity, amount anomaly, hopping, card
 * testing), for tests that tap one card many times on purpose. Lists stay on.
 */
export async function relaxFraudRules(app: INestApplication, adminToken: string): Promise<void> {
  const off = { enabled: false };
  await request(app.getHttpServer())
    .put('/api/fraud/rules')
    .set(bearer(adminToken))
    .send({ rules: { velocity: off, amountAnomaly: off, hopping: off, cardTesting: off, firstUseLargeAmount: off } })
    .expect(200);
}

/** A payment of `amount` at the session's terminal, settled: its id. */
export async function settledPayment(app: INestApplication, s: { adminToken: string; cardUuid: string; terminal: { token: string; terminalId: string; merchantId: string } }, amount: number): Promise<string> {
  const { terminal } = s;
  const res = await pay(app, terminal.token, { cardUuid: s.cardUuid, amount, merchantId: terminal.merchantId, terminalId: terminal.terminalId });
  if (res.status !== 202) throw new Error(`payment answered ${res.status}: ${JSON.stringify(res.body)}`);
  const final = await waitForFinal(app, s.adminToken, res.body.transactionId, 45_000);
  if (final.status !== 'completed') throw new Error(`payment ${res.body.transactionId} ended ${final.status}: ${final.failureReason}`);
  return res.body.transactionId;
}
