import { getModelToken } from '@nestjs/mongoose';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { Model } from 'mongoose';
import { randomUUID } from 'node:crypto';
import { isDuplicateKeyError } from '../../src/common/database/duplicate-key';
import { insertGrouped } from '../../src/common/database/group-commit';
import { PaymentClaim } from '../../src/payments/schemas/payment-claim.schema';
import { Transaction } from '../../src/payments/schemas/transaction.schema';
import { closeTestApp, createTestApp } from '../support/test-app';

describe('group commit of unique inserts (insertGrouped)', () => {
  let app: NestExpressApplication;
  let claims: Model<PaymentClaim>;

  beforeAll(async () => {
    app = await createTestApp();
    claims = app.get(getModelToken(PaymentClaim.name));
  });
  afterAll(() => closeTestApp(app));

  const claim = (id: string, outcome: string) => ({ _id: id, transactionId: id, outcome, createdAt: new Date() });

  it('inserts concurrent distinct documents, each acknowledged once durable', async () => {
    const ids = Array.from({ length: 40 }, () => `gc-${randomUUID()}`);
    await Promise.all(ids.map((id) => insertGrouped(claims, claim(id, 'settlement'))));
    expect(await claims.countDocuments({ _id: { $in: ids } }).exec()).toBe(ids.length);
  });

  it('answers a duplicate to its own caller only: one winner per _id, however many race in one batch', async () => {
    const contested = Array.from({ length: 5 }, () => `gc-${randomUUID()}`);
    const free = Array.from({ length: 10 }, () => `gc-${randomUUID()}`);
    await insertGrouped(claims, claim(contested[0], 'earlier'));
    const attempts = [...contested.flatMap((id) => [id, id, id]), ...free].map((id, i) =>
      insertGrouped(claims, claim(id, `caller-${i}`)).then(
        () => ({ id, won: true }),
        (error: unknown) => {
          if (!isDuplicateKeyError(error)) throw error;
          return { id, won: false };
        },
      ),
    );
    const results = await Promise.all(attempts);
    for (const id of free) expect(results.filter((r) => r.id === id && r.won)).toHaveLength(1);
    expect(results.filter((r) => r.id === contested[0] && r.won)).toHaveLength(0);
    for (const id of contested.slice(1)) expect(results.filter((r) => r.id === id && r.won)).toHaveLength(1);
    expect((await claims.findById(contested[0]).lean().exec())!.outcome).toBe('earlier');
  });

  it('casts, defaults and validates as create does, and refuses an invalid document to its caller alone', async () => {
    const transactions: Model<Transaction> = app.get(getModelToken(Transaction.name));
    const id = `gc-${randomUUID()}`;
    const [invalid, valid] = await Promise.allSettled([insertGrouped(claims, { _id: `gc-${randomUUID()}` }), insertGrouped(claims, claim(id, 'settlement'))]);
    expect(invalid.status).toBe('rejected');
    expect(valid.status).toBe('fulfilled');
    const txId = `gc-${randomUUID()}`;
    const written = (await insertGrouped(transactions, { _id: txId, transactionId: txId, cardUuid: 'c', amount: '1500', merchantId: 'm', terminalId: 't', initiatedBy: 'terminal:t', status: 'pending' })) as Transaction & { createdAt: Date };
    expect(written.amount).toBe(1500);
    expect(written.createdAt).toBeInstanceOf(Date);
    const stored = (await transactions.findById(txId).lean().exec())!;
    expect(stored.amount).toBe(1500);
  });
});
