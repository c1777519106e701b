import { randomUUID } from 'node:crypto';
import { Test, TestingModule } from '@nestjs/testing';
import { MongooseModule, getConnectionToken } from '@nestjs/mongoose';
import type { Connection } from 'mongoose';
import { Ed25519Keypair } from '@mysten/sui/keypairs/ed25519';
import { WALLET_PROVISIONER } from '../../src/blockchain/wallets/wallet-provisioner';
import { BlockchainModule } from '../../src/blockchain/blockchain.module';
import { loadConfiguration } from '../../src/config/app.config';
import { ConfigurationModule } from '../../src/config/configuration.module';
import { RedisModule } from '../../src/redis/redis.module';
import { SUI_CLIENT } from '../../src/blockchain/blockchain.tokens';
import { LocalLedger } from '../../src/blockchain/local-ledger/local-ledger';
import { SettlementService } from '../../src/blockchain/settlement/settlement.service';
import { generateMasterKey } from '../../src/blockchain/wallets/wallet-crypto';
import { WalletService } from '../../src/blockchain/wallets/wallet.service';

describe.each([
  { mode: 'local mode', sponsored: false },
  { mode: 'local mode, sponsored gas', sponsored: true },
])('BlockchainModule ($mode)', ({ sponsored }) => {
  let moduleRef: TestingModule;
  beforeAll(async () => {
    const config = loadConfiguration({
      NODE_ENV: 'test',
      REDIS_URL: process.env.TEST_REDIS_URL,
      SUI_SPONSORED_GAS: String(sponsored),
      SUI_GAS_POOL_SIZE: '2',
      WALLET_MASTER_KEY: generateMasterKey(),
      LOCAL_LEDGER_FAUCET_MIST: '2000000000',
      REDIS_KEY_PREFIX: `ledger_${randomUUID().slice(0, 8)}:`,
    });
    moduleRef = await Test.createTestingModule({
      imports: [
        ConfigurationModule.forRoot(config),
        RedisModule,
        MongooseModule.forRoot(process.env.TEST_MONGODB_URI!, { dbName: `ledger_${randomUUID().slice(0, 8)}` }),
        BlockchainModule,
      ],
    }).compile();
    await moduleRef.init();
  });

  afterAll(async () => {
    await moduleRef.get<Connection>(getConnectionToken()).dropDatabase();
    await moduleRef.close();
  });

  it('wires the local ledger, funds new wallets from the faucet and settles', async () => {
    expect(moduleRef.get(SUI_CLIENT)).toBeInstanceOf(LocalLedger);
    const wallets = moduleRef.get(WalletService);
    expect(moduleRef.get(WALLET_PROVISIONER)).toBe(wallets);

    const userId = randomUUID();
    const { address } = await wallets.createWallet(userId);
    expect(await wallets.createWallet(userId)).toEqual({ address });
    expect(await wallets.getBalance(address)).toEqual({ address, balanceMist: '2000000000', balanceSui: '2' });

    const merchant = new Ed25519Keypair().toSuiAddress();
    const result = await moduleRef.get(SettlementService).settle({ transactionId: randomUUID(), fromAddress: address, toAddress: merchant, amountMist: 75_000_000n });
    expect(result).toMatchObject({ status: 'success', network: 'localnet', explorerUrl: null });
    expect((await wallets.getBalance(merchant)).balanceSui).toBe('0.075');
    const paid = 2_000_000_000n - BigInt((await wallets.getBalance(address)).balanceMist);
    // With sponsored gas the wallet pays exactly the amount; otherwise the amount and the gas.
    expect(paid).toBe(sponsored ? 75_000_000n : 75_000_000n + BigInt(result.gasFeeMist));
  });
});
