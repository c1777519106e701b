import type { Connection } from 'mongoose';
import { Ed25519Keypair } from '@mysten/sui/keypairs/ed25519';
import { Transaction, TransactionDataBuilder } from '@mysten/sui/transactions';
import { toBase58 } from '@mysten/sui/utils';
import { LocalLedger } from '../../src/blockchain/local-ledger/local-ledger';
import { LocalLedgerError } from '../../src/blockchain/local-ledger/local-ledger.error';
import { classifyFailure, onChainFailure } from '../../src/blockchain/settlement/classify-failure';
import { balanceOf, CrashingLedgerStore, dropDatabase, openDatabase, signedTransfer, SUI, TRANSFER_FEE } from './support/blockchain-fixture';

const include = { effects: true, balanceChanges: true } as const;

describe('LocalLedger on MongoDB', () => {
  let connection: Connection;
  let ledger: LocalLedger;
  let alice: Ed25519Keypair;
  let bob: string;

  beforeEach(async () => {
    connection = await openDatabase();
    ledger = await LocalLedger.open(connection);
    alice = new Ed25519Keypair();
    bob = new Ed25519Keypair().toSuiAddress();
    await ledger.fund(alice.toSuiAddress(), 100n * SUI);
  });

  afterEach(() => dropDatabase(connection));

  /** `from` sends `amount` out of its own coin while `sponsor` pays the gas with `gasCoin`; signed by both. */
  async function sponsoredTransfer(from: Ed25519Keypair, sponsor: Ed25519Keypair, gasCoin: { objectId: string; version: string; digest: string }, amount: bigint, options: { spendGasCoin?: boolean } = {}) {
    const [coin] = (await ledger.listCoins({ owner: from.toSuiAddress() })).objects;
    const tx = new Transaction();
    tx.setSender(from.toSuiAddress());
    tx.setGasOwner(sponsor.toSuiAddress());
    tx.setGasPrice(1000n);
    tx.setGasBudget(10_000_000n);
    tx.setGasPayment([{ objectId: gasCoin.objectId, version: gasCoin.version, digest: gasCoin.digest }]);
    const source = options.spendGasCoin ? tx.gas : tx.objectRef({ objectId: coin.objectId, version: coin.version, digest: coin.digest });
    const [payment] = tx.splitCoins(source, [tx.pure.u64(amount)]);
    tx.transferObjects([payment], tx.pure.address(bob));
    const bytes = await tx.build({ client: ledger });
    return { bytes, user: (await from.signTransaction(bytes)).signature, sponsor: (await sponsor.signTransaction(bytes)).signature };
  }

  it('moves exactly the amount and charges the reported gas', async () => {
    const { bytes, signature } = await signedTransfer(ledger, alice, bob, 75_000_000n);
    const result = await ledger.executeTransaction({ transaction: bytes, signatures: [signature], include });

    expect(result.$kind).toBe('Transaction');
    const tx = result.Transaction!;
    expect(tx.digest).toBe(TransactionDataBuilder.getDigestFromBytes(bytes));
    expect(tx.effects.gasUsed).toEqual({ computationCost: '1000000', storageCost: '1976000', storageRebate: '978120', nonRefundableStorageFee: '9880' });
    expect(await balanceOf(ledger, bob)).toBe(75_000_000n);
    expect(await balanceOf(ledger, alice.toSuiAddress())).toBe(100n * SUI - 75_000_000n - TRANSFER_FEE);
    expect(tx.balanceChanges).toEqual(
      expect.arrayContaining([
        { coinType: '0x0000000000000000000000000000000000000000000000000000000000000002::sui::SUI', address: bob, amount: '75000000' },
        expect.objectContaining({ address: alice.toSuiAddress(), amount: String(-(75_000_000n + TRANSFER_FEE)) }),
      ]),
    );
    const [gasCoin] = (await ledger.listCoins({ owner: alice.toSuiAddress() })).objects;
    expect(gasCoin.version).toBe('2');
    expect(tx.effects.gasObject?.outputVersion).toBe('2');
  });

  it('answers the same result for the same bytes twice and by digest, and notFound distinctly', async () => {
    const { bytes, signature } = await signedTransfer(ledger, alice, bob, 1_000n);
    const first = await ledger.executeTransaction({ transaction: bytes, signatures: [signature], include });
    const again = await ledger.executeTransaction({ transaction: bytes, signatures: [signature], include });
    const looked = await ledger.getTransaction({ digest: first.Transaction!.digest, include });

    expect(again).toEqual(first);
    expect(looked).toEqual(first);
    expect(await balanceOf(ledger, bob)).toBe(1_000n);
    await expect(ledger.getTransaction({ digest: toBase58(new Uint8Array(32).fill(7)) })).rejects.toMatchObject({ reason: 'notFound' });
  });

  it('rejects a forged signature as permanent, and moves nothing', async () => {
    const { bytes, signature } = await signedTransfer(ledger, alice, bob, 1_000n, { signer: new Ed25519Keypair() });
    const error = await ledger.executeTransaction({ transaction: bytes, signatures: [signature] }).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(LocalLedgerError);
    expect(error).toMatchObject({ code: 'InvalidSignature' });
    expect(classifyFailure(error)).toMatchObject({ code: 'INVALID_SIGNATURE', kind: 'permanent' });
    expect(await balanceOf(ledger, bob)).toBe(0n);
    await expect(ledger.getTransaction({ digest: TransactionDataBuilder.getDigestFromBytes(bytes) })).rejects.toMatchObject({ reason: 'notFound' });
  });

  it('rejects a gas coin at a stale version as transient', async () => {
    const coins = (await ledger.listCoins({ owner: alice.toSuiAddress() })).objects;
    const first = await signedTransfer(ledger, alice, bob, 1_000n, { gasCoins: coins });
    const second = await signedTransfer(ledger, alice, bob, 2_000n, { gasCoins: coins });
    await ledger.executeTransaction({ transaction: first.bytes, signatures: [first.signature] });
    const error = await ledger.executeTransaction({ transaction: second.bytes, signatures: [second.signature] }).catch((e: unknown) => e);

    expect(error).toMatchObject({ code: 'ObjectVersionUnavailableForConsumption' });
    expect(classifyFailure(error)).toMatchObject({ code: 'STALE_OBJECT', kind: 'transient' });
    expect(await balanceOf(ledger, bob)).toBe(1_000n);
  });

  it('rejects gas it cannot cover, and fails (charging gas) a transfer beyond the balance; both permanent', async () => {
    const poor = new Ed25519Keypair();
    await ledger.fund(poor.toSuiAddress(), 5_000_000n);
    const tooPoorForGas = await signedTransfer(ledger, poor, bob, 1n);
    const rejected = await ledger.executeTransaction({ transaction: tooPoorForGas.bytes, signatures: [tooPoorForGas.signature] }).catch((e: unknown) => e);
    expect(rejected).toMatchObject({ code: 'GasBalanceTooLow' });
    expect(classifyFailure(rejected)).toMatchObject({ code: 'INSUFFICIENT_BALANCE', kind: 'permanent' });

    const tooMuch = await signedTransfer(ledger, alice, bob, 100n * SUI);
    const result = await ledger.executeTransaction({ transaction: tooMuch.bytes, signatures: [tooMuch.signature], include });
    expect(result.$kind).toBe('FailedTransaction');
    const failed = result.FailedTransaction!;
    expect(failed.status.success).toBe(false);
    expect(onChainFailure(failed.status.error!.message, failed.digest, '0')).toMatchObject({ code: 'INSUFFICIENT_BALANCE', kind: 'permanent' });
    expect(await balanceOf(ledger, bob)).toBe(0n);
    expect(await balanceOf(ledger, alice.toSuiAddress())).toBe(100n * SUI - (1_000_000n + 988_000n - 978_120n));
  });

  it('merges every gas coin into the first (gas smashing)', async () => {
    await ledger.fund(alice.toSuiAddress(), 5n * SUI);
    const { bytes, signature } = await signedTransfer(ledger, alice, bob, 1_000n);
    await ledger.executeTransaction({ transaction: bytes, signatures: [signature] });

    const coins = (await ledger.listCoins({ owner: alice.toSuiAddress() })).objects;
    expect(coins).toHaveLength(1);
    // Two coins written (gas, payment), two rebated (both gas coins).
    expect(BigInt(coins[0].balance)).toBe(105n * SUI - 1_000n - (1_000_000n + 2n * 988_000n - 2n * 978_120n));
  });

  it('survives a restart: a new ledger on the same database sees coins and transactions', async () => {
    const { bytes, signature } = await signedTransfer(ledger, alice, bob, 5_000n);
    const { Transaction: tx } = await ledger.executeTransaction({ transaction: bytes, signatures: [signature] });
    const restarted = await LocalLedger.open(connection);

    expect(await balanceOf(restarted, bob)).toBe(5_000n);
    expect((await restarted.getTransaction({ digest: tx!.digest })).Transaction?.digest).toBe(tx!.digest);
  });

  it.each(['applyWrites', 'midApply', 'markDone'] as const)('finishes a transaction whose application crashed at %s, exactly once', async (step) => {
    const store = new CrashingLedgerStore(connection);
    const crashing = new LocalLedger(store);
    const { bytes, signature } = await signedTransfer(crashing, alice, bob, 7_000n);
    store.crashAt = step;
    await expect(crashing.executeTransaction({ transaction: bytes, signatures: [signature] })).rejects.toThrow(/simulated crash/);

    const again = await ledger.executeTransaction({ transaction: bytes, signatures: [signature], include });
    expect(again.$kind).toBe('Transaction');
    expect(await balanceOf(ledger, bob)).toBe(7_000n);
    expect(await balanceOf(ledger, alice.toSuiAddress())).toBe(100n * SUI - 7_000n - TRANSFER_FEE);

    const next = await signedTransfer(ledger, alice, bob, 1n);
    await ledger.executeTransaction({ transaction: next.bytes, signatures: [next.signature] });
    expect(await balanceOf(ledger, bob)).toBe(7_001n);
  });

  it('lets the next transaction of the sender complete one left half-applied', async () => {
    const store = new CrashingLedgerStore(connection);
    const crashing = new LocalLedger(store);
    const { bytes, signature } = await signedTransfer(crashing, alice, bob, 7_000n);
    store.crashAt = 'midApply';
    await expect(crashing.executeTransaction({ transaction: bytes, signatures: [signature] })).rejects.toThrow(/simulated crash/);

    expect(await balanceOf(ledger, bob)).toBe(0n);

    const next = await signedTransfer(ledger, alice, bob, 1n);
    await ledger.executeTransaction({ transaction: next.bytes, signatures: [next.signature] });
    expect(await balanceOf(ledger, bob)).toBe(7_001n);
    expect(await balanceOf(ledger, alice.toSuiAddress())).toBe(100n * SUI - 7_001n - 2n * TRANSFER_FEE);
  });

  it('executes the same bytes on two instances at once exactly once, and only one of two conflicting transactions', async () => {
    const other = await LocalLedger.open(connection);
    const coins = (await ledger.listCoins({ owner: alice.toSuiAddress() })).objects;
    const same = await signedTransfer(ledger, alice, bob, 3_000n, { gasCoins: coins });
    const results = await Promise.all([
      ledger.executeTransaction({ transaction: same.bytes, signatures: [same.signature] }),
      other.executeTransaction({ transaction: same.bytes, signatures: [same.signature] }),
    ]);
    expect(results[0]).toEqual(results[1]);
    expect(await balanceOf(ledger, bob)).toBe(3_000n);

    const fresh = (await ledger.listCoins({ owner: alice.toSuiAddress() })).objects;
    const a = await signedTransfer(ledger, alice, bob, 10n, { gasCoins: fresh });
    const b = await signedTransfer(ledger, alice, bob, 20n, { gasCoins: fresh });
    const outcomes = await Promise.allSettled([
      ledger.executeTransaction({ transaction: a.bytes, signatures: [a.signature] }),
      other.executeTransaction({ transaction: b.bytes, signatures: [b.signature] }),
    ]);
    expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(1);
    expect(classifyFailure((outcomes.find((o) => o.status === 'rejected') as PromiseRejectedResult).reason).code).toBe('STALE_OBJECT');
    expect([3_010n, 3_020n]).toContain(await balanceOf(ledger, bob));
  });

  describe('sponsored gas', () => {
    let sponsor: Ed25519Keypair;
    let gasCoin: { objectId: string; version: string; digest: string };

    beforeEach(async () => {
      sponsor = new Ed25519Keypair();
      gasCoin = await ledger.fund(sponsor.toSuiAddress(), 10n * SUI);
    });

    it('takes the amount from the sender and the gas from the sponsor, with both signatures in any order', async () => {
      const { bytes, user, sponsor: sponsorSignature } = await sponsoredTransfer(alice, sponsor, gasCoin, 5_000n);
      const result = await ledger.executeTransaction({ transaction: bytes, signatures: [sponsorSignature, user], include });

      expect(result.$kind).toBe('Transaction');
      expect(await balanceOf(ledger, bob)).toBe(5_000n);
      expect(await balanceOf(ledger, alice.toSuiAddress())).toBe(100n * SUI - 5_000n);
      // The sender's coin is rewritten too, so the sponsor pays storage for three objects and gets two rebates.
      const fee = 1_000_000n + 3n * 988_000n - 2n * 978_120n;
      expect(await balanceOf(ledger, sponsor.toSuiAddress())).toBe(10n * SUI - fee);
      expect(result.Transaction!.effects.gasObject?.objectId).toBe(gasCoin.objectId);
    });

    it("refuses a transaction without the sponsor's signature, or signed twice by the sender; nothing moves", async () => {
      const { bytes, user } = await sponsoredTransfer(alice, sponsor, gasCoin, 5_000n);
      const missing = await ledger.executeTransaction({ transaction: bytes, signatures: [user] }).catch((e: unknown) => e);
      const doubled = await ledger.executeTransaction({ transaction: bytes, signatures: [user, user] }).catch((e: unknown) => e);

      expect(classifyFailure(missing)).toMatchObject({ code: 'INVALID_SIGNATURE', kind: 'permanent' });
      expect(doubled).toMatchObject({ code: 'InvalidSignature' });
      expect(await balanceOf(ledger, bob)).toBe(0n);
      expect(await balanceOf(ledger, sponsor.toSuiAddress())).toBe(10n * SUI);
    });

    it("does not let the sender spend the sponsor's gas coin", async () => {
      const { bytes, user, sponsor: sponsorSignature } = await sponsoredTransfer(alice, sponsor, gasCoin, 5_000n, { spendGasCoin: true });
      const result = await ledger.executeTransaction({ transaction: bytes, signatures: [user, sponsorSignature], include });

      expect(result.$kind).toBe('FailedTransaction');
      expect(await balanceOf(ledger, bob)).toBe(0n);
      expect(await balanceOf(ledger, alice.toSuiAddress())).toBe(100n * SUI);
    });

    it('lets one version of a sponsor coin pay for one transaction only, across senders and instances', async () => {
      const carol = new Ed25519Keypair();
      await ledger.fund(carol.toSuiAddress(), SUI);
      const other = await LocalLedger.open(connection);
      const a = await sponsoredTransfer(alice, sponsor, gasCoin, 10n);
      const b = await sponsoredTransfer(carol, sponsor, gasCoin, 20n);
      const outcomes = await Promise.allSettled([
        ledger.executeTransaction({ transaction: a.bytes, signatures: [a.user, a.sponsor] }),
        other.executeTransaction({ transaction: b.bytes, signatures: [b.user, b.sponsor] }),
      ]);

      expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(1);
      expect(classifyFailure((outcomes.find((o) => o.status === 'rejected') as PromiseRejectedResult).reason)).toMatchObject({ code: 'STALE_OBJECT', kind: 'transient' });
      expect([10n, 20n]).toContain(await balanceOf(ledger, bob));
    });
  });
});
