import { randomUUID } from 'node:crypto';
import type { Connection } from 'mongoose';
import type { ClientWithCoreApi } from '@mysten/sui/client';
import { Ed25519Keypair } from '@mysten/sui/keypairs/ed25519';
import type { LocalLedger } from '../../src/blockchain/local-ledger/local-ledger';
import { SettlementError } from '../../src/blockchain/settlement/settlement.error';
import type { PreparedSettlement, SettlementAttemptStore, SettlementRequest } from '../../src/blockchain/settlement/settlement.types';
import { MongoSettlementAttemptStore } from '../../src/blockchain/settlement/mongo-settlement-attempt.store';
import { balanceOf, dropDatabase, FAUCET_MIST, openDatabase, settlementStack, SettlementStack, TRANSFER_FEE } from './support/blockchain-fixture';

/** A client whose executeTransaction dies once, before or after the ledger ran it: a crash or a lost answer. */
function crashOnceAround(ledger: LocalLedger, when: 'before' | 'after'): ClientWithCoreApi & { crashed: boolean } {
  const state = { crashed: false };
  const proxy = new Proxy(ledger, {
    get(target, prop, receiver) {
      if (prop === 'crashed') return state.crashed;
      if (prop === 'core') return proxy;
      if (prop !== 'executeTransaction') return Reflect.get(target, prop, receiver);
      return async (options: Parameters<LocalLedger['executeTransaction']>[0]) => {
        if (state.crashed) return target.executeTransaction(options);
        state.crashed = true;
        if (when === 'before') throw new Error('socket hang up (simulated crash before submit)');
        await target.executeTransaction(options);
        throw new Error('socket hang up (simulated crash after submit)');
      };
    },
  });
  return proxy as unknown as ClientWithCoreApi & { crashed: boolean };
}

/** A store whose first save stores the bytes and then dies, as a process would right after writing them. */
function crashingOnceAfterStoring(real: SettlementAttemptStore): SettlementAttemptStore {
  let crash = true;
  return {
    loadPrepared: (id) => real.loadPrepared(id),
    savePrepared: async (id, next, replacing) => {
      const saved = await real.savePrepared(id, next, replacing);
      if (crash) {
        crash = false;
        throw new Error('simulated crash after storing the bytes');
      }
      return saved;
    },
  };
}

describe('SettlementService on the LocalLedger', () => {
  let connection: Connection;
  let stack: SettlementStack;
  let payer: string;
  let merchant: string;

  const request = (amountMist: bigint, overrides: Partial<SettlementRequest> = {}): SettlementRequest => ({
    transactionId: `tx_${randomUUID()}`,
    fromAddress: payer,
    toAddress: merchant,
    amountMist,
    ...overrides,
  });

  async function setUp(options: Parameters<typeof settlementStack>[1] = {}) {
    stack = await settlementStack(connection, options);
    payer = (await stack.wallets.createWallet(`user_${randomUUID()}`)).address;
    merchant = new Ed25519Keypair().toSuiAddress();
  }

  beforeEach(async () => {
    connection = await openDatabase();
  });
  afterEach(() => dropDatabase(connection));

  it('transfers exactly the amount plus gas and reports the result', async () => {
    await setUp();
    const result = await stack.settlement.settle(request(75_000_000n));

    expect(result).toMatchObject({ status: 'success', amountMist: '75000000', gasFeeMist: String(TRANSFER_FEE), network: 'localnet', explorerUrl: null, epoch: '0' });
    expect(result.txHash).toMatch(/^[1-9A-HJ-NP-Za-km-z]{43,44}$/);
    expect(await balanceOf(stack.ledger, merchant)).toBe(75_000_000n);
    expect(await balanceOf(stack.ledger, payer)).toBe(FAUCET_MIST - 75_000_000n - TRANSFER_FEE);
    expect(result.balanceChanges).toEqual(
      expect.arrayContaining([expect.objectContaining({ address: merchant, amount: '75000000' }), expect.objectContaining({ address: payer, amount: String(-(75_000_000n + TRANSFER_FEE)) })]),
    );
    expect(await stack.wallets.getBalance(merchant)).toEqual({ address: merchant, balanceMist: '75000000', balanceSui: '0.075' });
  });

  it('settling the same payment again returns the same transfer and moves nothing more', async () => {
    await setUp();
    const req = request(1_000n);
    const first = await stack.settlement.settle(req);
    const again = await stack.settlement.settle(req);

    expect(again.txHash).toBe(first.txHash);
    expect(await balanceOf(stack.ledger, merchant)).toBe(1_000n);
  });

  it.each(['before', 'after'] as const)('a crash %s submitting ends in exactly one transfer on retry', async (when) => {
    let client!: ClientWithCoreApi & { crashed: boolean };
    await setUp({ client: (ledger) => (client = crashOnceAround(ledger, when)) });
    const req = request(5_000n);

    const failure = await stack.settlement.settle(req).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(SettlementError);
    expect(failure).toMatchObject({ kind: 'transient', code: 'NETWORK' });
    expect(client.crashed).toBe(true);
    const stored = await stack.attempts.loadPrepared(req.transactionId);

    const result = await stack.settlement.settle(req);
    expect(result.txHash).toBe(stored!.digest);
    expect(await balanceOf(stack.ledger, merchant)).toBe(5_000n);
    expect(await balanceOf(stack.ledger, payer)).toBe(FAUCET_MIST - 5_000n - TRANSFER_FEE);
  });

  it('a crash right after the bytes were stored ends in exactly one transfer on retry', async () => {
    const real = new MongoSettlementAttemptStore(connection);
    await setUp({ attempts: crashingOnceAfterStoring(real) });
    const req = request(9_000n);

    await expect(stack.settlement.settle(req)).rejects.toMatchObject({ kind: 'transient' });
    expect(await balanceOf(stack.ledger, merchant)).toBe(0n);
    const stored = await real.loadPrepared(req.transactionId);

    expect((await stack.settlement.settle(req)).txHash).toBe(stored!.digest);
    expect(await balanceOf(stack.ledger, merchant)).toBe(9_000n);
  });

  it('a first-start hint that is wrong (bytes already stored, landed or not) still submits the stored bytes, paying once', async () => {
    const real = new MongoSettlementAttemptStore(connection);
    await setUp({ attempts: crashingOnceAfterStoring(real) });
    const req = request(7_000n, { firstStart: true });
    await expect(stack.settlement.settle(req)).rejects.toMatchObject({ kind: 'transient' });
    const stored = await real.loadPrepared(req.transactionId);

    // Stored, never submitted: the hint skips the lookup, the insert finds the stored bytes, which are sent.
    expect((await stack.settlement.settle(req)).txHash).toBe(stored!.digest);
    // Stored and landed: the same transfer again, nothing more moved.
    expect((await stack.settlement.settle(req)).txHash).toBe(stored!.digest);
    expect(await balanceOf(stack.ledger, merchant)).toBe(7_000n);
    expect(await balanceOf(stack.ledger, payer)).toBe(FAUCET_MIST - 7_000n - TRANSFER_FEE);
  });

  it('replaces stored bytes only once their gas coin was consumed by another payment, still paying once', async () => {
    const real = new MongoSettlementAttemptStore(connection);
    await setUp({ attempts: crashingOnceAfterStoring(real) });
    const stale = request(1_111n);
    await expect(stack.settlement.settle(stale)).rejects.toMatchObject({ kind: 'transient' });
    const abandoned = (await real.loadPrepared(stale.transactionId))!.digest;
    await stack.settlement.settle(request(2_222n));

    const result = await stack.settlement.settle(stale);
    expect(result.txHash).not.toBe(abandoned);
    await expect(stack.ledger.getTransaction({ digest: abandoned })).rejects.toMatchObject({ reason: 'notFound' });
    expect(await balanceOf(stack.ledger, merchant)).toBe(3_333n);
  });

  it('settles a payment whose bytes are another payment\'s, stored but never submitted, and that one on its retry, each once', async () => {
    const real = new MongoSettlementAttemptStore(connection);
    await setUp({ attempts: crashingOnceAfterStoring(real) });
    const a = request(20_000n);
    const b = request(20_000n); // same wallet, amount and merchant: built on the same coins, B's bytes are A's
    await expect(stack.settlement.settle(a)).rejects.toMatchObject({ kind: 'transient' });
    const storedForA = (await real.loadPrepared(a.transactionId))!.digest;

    const settledB = await (await stack.secondInstance()).settle(b); // another process, as after a restart
    const settledA = await stack.settlement.settle(a);

    expect(settledA.txHash).toBe(storedForA);
    expect(settledB.txHash).not.toBe(storedForA);
    expect((await real.loadPrepared(b.transactionId))!.digest).toBe(settledB.txHash);
    expect(await balanceOf(stack.ledger, merchant)).toBe(40_000n);
    expect(await balanceOf(stack.ledger, payer)).toBe(FAUCET_MIST - 40_000n - 2n * TRANSFER_FEE);
  });

  it('fails a forged signature permanently', async () => {
    const real = new MongoSettlementAttemptStore(connection);
    const forger = new Ed25519Keypair();
    const forging: SettlementAttemptStore = {
      loadPrepared: (id) => real.loadPrepared(id),
      savePrepared: async (id, next: PreparedSettlement, replacing) => {
        const { signature } = await forger.signTransaction(Buffer.from(next.bytes, 'base64'));
        return real.savePrepared(id, { ...next, signatures: [signature] }, replacing);
      },
    };
    await setUp({ attempts: forging });

    await expect(stack.settlement.settle(request(1_000n))).rejects.toMatchObject({ kind: 'permanent', code: 'INVALID_SIGNATURE' });
    expect(await balanceOf(stack.ledger, merchant)).toBe(0n);
  });

  it('fails an insufficient balance and an invalid address permanently, moving nothing', async () => {
    await setUp();
    await expect(stack.settlement.settle(request(FAUCET_MIST))).rejects.toMatchObject({ kind: 'permanent', code: 'INSUFFICIENT_BALANCE' });
    await expect(stack.settlement.settle(request(1n, { toAddress: '0x1234zz' }))).rejects.toMatchObject({ kind: 'permanent', code: 'INVALID_ADDRESS' });
    await expect(stack.settlement.settle(request(0n))).rejects.toMatchObject({ kind: 'permanent', code: 'INVALID_AMOUNT' });
    expect(await balanceOf(stack.ledger, payer)).toBe(FAUCET_MIST);
  });

  it('lands 20 concurrent settlements of one wallet across two instances, none rejected', async () => {
    await setUp();
    const other = await stack.secondInstance();
    const requests = Array.from({ length: 20 }, () => request(10_000n));
    const outcomes = await Promise.allSettled(requests.map((req, i) => (i % 2 ? other : stack.settlement).settle(req)));

    expect(outcomes.filter((o) => o.status === 'rejected')).toEqual([]);
    expect(new Set(outcomes.map((o) => (o as PromiseFulfilledResult<{ txHash: string }>).value.txHash)).size).toBe(20);
    expect(await balanceOf(stack.ledger, merchant)).toBe(200_000n);
    expect(await balanceOf(stack.ledger, payer)).toBe(FAUCET_MIST - 200_000n - 20n * TRANSFER_FEE);
  });

  it('never lets two payments share a transfer, even when one is built on coins another instance already spent', async () => {
    await setUp();
    const other = await stack.secondInstance();
    await other.settle(request(1_000n)); // the other instance now holds a hint of the wallet's coin
    const first = await stack.settlement.settle(request(7_000n)); // spends that coin version
    const second = await other.settle(request(7_000n)); // same wallet, amount and merchant, on the stale hint

    expect(second.txHash).not.toBe(first.txHash);
    expect(await balanceOf(stack.ledger, merchant)).toBe(15_000n);
    expect(await balanceOf(stack.ledger, payer)).toBe(FAUCET_MIST - 15_000n - 3n * TRANSFER_FEE);
  });

  it('finds the key of a wallet made before the address index, and indexes it', async () => {
    await setUp();
    const addresses = connection.collection('custodial_wallet_addresses');
    expect(await addresses.countDocuments({ _id: payer as never })).toBe(1);
    await addresses.deleteOne({ _id: payer as never });

    const fresh = await stack.secondInstance(); // no signer cached
    expect((await fresh.settle(request(3_000n))).status).toBe('success');
    expect(await addresses.countDocuments({ _id: payer as never })).toBe(1);
  });

  describe('with sponsored gas', () => {
    /** A sponsored split-and-transfer: gas coin and the wallet's coin written, payment created; two rebates. */
    const SPONSORED_FEE = 1_000_000n + 3n * 988_000n - 2n * 978_120n;

    it("takes only the amount from the user's wallet; the sponsor pays the gas", async () => {
      await setUp({ gasPool: 2 });
      const sponsorBefore = await balanceOf(stack.ledger, stack.sponsor!);
      const result = await stack.settlement.settle(request(75_000_000n));

      expect(result).toMatchObject({ status: 'success', amountMist: '75000000', gasFeeMist: String(SPONSORED_FEE) });
      expect(await balanceOf(stack.ledger, merchant)).toBe(75_000_000n);
      expect(await balanceOf(stack.ledger, payer)).toBe(FAUCET_MIST - 75_000_000n);
      expect(await balanceOf(stack.ledger, stack.sponsor!)).toBe(sponsorBefore - SPONSORED_FEE);
      const tx = await stack.ledger.getTransaction({ digest: result.txHash, include: { transaction: true } });
      expect(tx.Transaction!.signatures).toHaveLength(2);
    });

    it('lands 20 concurrent settlements of 10 wallets across two instances on a pool of 3 gas coins, none rejected', async () => {
      await setUp({ gasPool: 3 });
      const other = await stack.secondInstance();
      const payers = await Promise.all(Array.from({ length: 10 }, async () => (await stack.wallets.createWallet(`user_${randomUUID()}`)).address));
      const sponsorBefore = await balanceOf(stack.ledger, stack.sponsor!);
      const requests = Array.from({ length: 20 }, (_, i) => request(10_000n, { fromAddress: payers[i % 10] }));
      const outcomes = await Promise.allSettled(requests.map((req, i) => (i % 2 ? other : stack.settlement).settle(req)));

      expect(outcomes.filter((o) => o.status === 'rejected')).toEqual([]);
      expect(await balanceOf(stack.ledger, merchant)).toBe(200_000n);
      for (const address of payers) expect(await balanceOf(stack.ledger, address)).toBe(FAUCET_MIST - 20_000n);
      expect(await balanceOf(stack.ledger, stack.sponsor!)).toBe(sponsorBefore - 20n * SPONSORED_FEE);
    });

    it('settles a payment whose bytes are another payment\'s, stored but never submitted, on the same gas coin, and that one on its retry', async () => {
      const real = new MongoSettlementAttemptStore(connection);
      await setUp({ gasPool: 1, attempts: crashingOnceAfterStoring(real) });
      const a = request(20_000n);
      const b = request(20_000n);
      await expect(stack.settlement.settle(a)).rejects.toMatchObject({ kind: 'transient' });
      const storedForA = (await real.loadPrepared(a.transactionId))!.digest;

      const settledB = await (await stack.secondInstance()).settle(b);
      const settledA = await stack.settlement.settle(a);

      expect(settledA.txHash).toBe(storedForA);
      expect(settledB.txHash).not.toBe(storedForA);
      expect(await balanceOf(stack.ledger, merchant)).toBe(40_000n);
      expect(await balanceOf(stack.ledger, payer)).toBe(FAUCET_MIST - 40_000n);
    });

    it.each(['before', 'after'] as const)('a crash %s submitting ends in exactly one transfer on retry, even if the gas coin moved on', async (when) => {
      let client!: ClientWithCoreApi & { crashed: boolean };
      await setUp({ gasPool: 1, client: (ledger) => (client = crashOnceAround(ledger, when)) });
      const req = request(5_000n);

      await expect(stack.settlement.settle(req)).rejects.toMatchObject({ kind: 'transient', code: 'NETWORK' });
      expect(client.crashed).toBe(true);
      const stored = await stack.attempts.loadPrepared(req.transactionId);
      // Meanwhile another wallet's settlement takes the pool's only gas coin.
      const otherPayer = (await stack.wallets.createWallet(`user_${randomUUID()}`)).address;
      await stack.settlement.settle(request(1_000n, { fromAddress: otherPayer }));

      const result = await stack.settlement.settle(req);
      if (when === 'after') {
        expect(result.txHash).toBe(stored!.digest);
      } else {
        // The stored bytes spend a gas coin version that is gone, so they can never run: replaced once.
        expect(result.txHash).not.toBe(stored!.digest);
        await expect(stack.ledger.getTransaction({ digest: stored!.digest })).rejects.toMatchObject({ reason: 'notFound' });
      }
      expect(await balanceOf(stack.ledger, merchant)).toBe(6_000n);
      expect(await balanceOf(stack.ledger, payer)).toBe(FAUCET_MIST - 5_000n);
    });
  });
});
