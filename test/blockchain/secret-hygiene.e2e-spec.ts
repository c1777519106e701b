import { randomUUID } from 'node:crypto';
import { inspect } from 'node:util';
import { Logger, type LoggerService } from '@nestjs/common';
import type { Connection, mongo } from 'mongoose';
import { Ed25519Keypair } from '@mysten/sui/keypairs/ed25519';
import { SettlementService } from '../../src/blockchain/settlement/settlement.service';
import { WalletLeases } from '../../src/blockchain/settlement/wallet-lease';
import { decryptSecret, generateMasterKey, parseMasterKeys, type EncryptedSecret } from '../../src/blockchain/wallets/wallet-crypto';
import { WalletService } from '../../src/blockchain/wallets/wallet.service';
import { dropDatabase, FAUCET_MIST, leaseRedis, openDatabase, settlementStack } from './support/blockchain-fixture';

describe('wallet secrets', () => {
  let connection: Connection;
  const lines: string[] = [];
  const capture = (...args: unknown[]) => void lines.push(args.map((a) => (typeof a === 'string' ? a : inspect(a, { depth: 10 }))).join(' '));
  const logger: LoggerService = { log: capture, error: capture, warn: capture, debug: capture, verbose: capture, fatal: capture };

  beforeAll(() => Logger.overrideLogger(logger));
  afterAll(() => Logger.overrideLogger(new Logger()));
  beforeEach(async () => {
    connection = await openDatabase();
  });
  afterEach(() => dropDatabase(connection));

  it('never appear in logs, errors or results, whatever happens to a settlement', async () => {
    const stack = await settlementStack(connection);
    const userId = randomUUID();
    const { address } = await stack.wallets.createWallet(userId);
    const doc = await (connection.collection('custodial_wallets') as unknown as mongo.Collection<{ _id: string; encryptedKey: EncryptedSecret }>).findOne({ _id: userId });
    const seed = decryptSecret(doc!.encryptedKey, stack.ring, address);
    const forms = [seed.toString('hex'), seed.toString('base64'), Ed25519Keypair.fromSecretKey(seed).getSecretKey()];
    const outputs: unknown[] = [];
    const record = <T>(work: Promise<T>) => work.then((value) => outputs.push(value), (error: unknown) => outputs.push(error));
    const merchant = new Ed25519Keypair().toSuiAddress();

    await record(stack.settlement.settle({ transactionId: randomUUID(), fromAddress: address, toAddress: merchant, amountMist: 1_000n }));
    await record(stack.settlement.settle({ transactionId: randomUUID(), fromAddress: address, toAddress: merchant, amountMist: FAUCET_MIST }));
    await record(stack.settlement.settle({ transactionId: randomUUID(), fromAddress: address, toAddress: 'nope', amountMist: 1n }));
    const wrongKey = new WalletService(connection, stack.ledger, parseMasterKeys(generateMasterKey()));
    const withWrongKey = new SettlementService(stack.ledger, wrongKey, new WalletLeases(leaseRedis()), stack.attempts, { network: 'localnet' });
    await record(withWrongKey.settle({ transactionId: randomUUID(), fromAddress: address, toAddress: merchant, amountMist: 1n }));
    await record(stack.wallets.signerFor(address));
    await record(stack.wallets.getBalance(address));

    expect(outputs).toHaveLength(6);
    expect(outputs.filter((o) => o instanceof Error).map((e) => (e as { code?: string }).code)).toEqual(['INSUFFICIENT_BALANCE', 'INVALID_ADDRESS', 'WALLET_KEY']);
    expect(lines.length).toBeGreaterThan(0);
    const seen = [
      ...lines,
      ...outputs.map((o) => inspect(o, { depth: 10, showHidden: true })),
      ...outputs.map((o) => JSON.stringify(o, (_k, v: unknown) => (typeof v === 'bigint' ? String(v) : v)) ?? ''),
      ...outputs.map((o) => (o instanceof Error ? `${o.message}\n${o.stack}` : '')),
    ].join('\n');
    for (const form of forms) expect(seen).not.toContain(form);
    seed.fill(0);
  });
});
