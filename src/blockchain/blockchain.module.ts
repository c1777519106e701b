import { join } from 'node:path';
import { Logger, Module } from '@nestjs/common';
import { getConnectionToken } from '@nestjs/mongoose';
import type { Connection } from 'mongoose';
import type { ClientWithCoreApi } from '@mysten/sui/client';
import type Redis from 'ioredis';
import { REDIS_CLIENT } from '../redis/redis.constants';
import { appConfig, type AppConfig } from '../config/app.config';
import { WALLET_PROVISIONER } from './wallets/wallet-provisioner';
import { blockchainConfig, GAS_BUDGET_MIST, type BlockchainConfig } from './blockchain.config';
import { GAS_STATION, MASTER_KEY_RING, OUTFLOW_SETTLEMENT, SETTLEMENT_ATTEMPT_STORE, SETTLEMENT_OPTIONS, SUI_CLIENT, WALLET_FAUCET } from './blockchain.tokens';
import type { SettlementAttemptStore } from './settlement/settlement.types';
import { GasStation } from './gas/gas-station';
import { gasSponsor } from './gas/gas-sponsor';
import { createSuiGrpcClient } from './grpc/sui-grpc-client.factory';
import { LocalLedger } from './local-ledger/local-ledger';
import { withLedgerFaults } from './local-ledger/ledger-faults';
import { MongoSettlementAttemptStore } from './settlement/mongo-settlement-attempt.store';
import { SettlementService, type SettlementOptions } from './settlement/settlement.service';
import { WalletLeases } from './settlement/wallet-lease';
import { resolveMasterKeyRing } from './wallets/master-key';
import { WalletService, type WalletFaucet } from './wallets/wallet.service';

/**
 * Custodial wallets and exactly-once settlement on Sui. Uses the app's default Mongoose
 * connection; with SUI_NETWORK unset every transaction goes to the local ledger in that database.
 */
@Module({
  providers: [
    {
      provide: SUI_CLIENT,
      inject: [blockchainConfig.KEY, getConnectionToken()],
      useFactory: (config: BlockchainConfig, connection: Connection): ClientWithCoreApi | Promise<LocalLedger> =>
        config.network
          ? createSuiGrpcClient({ network: config.network, url: config.grpcUrl })
          : LocalLedger.open(connection).then((ledger) => withLedgerFaults(ledger, config.ledgerFaults)),
    },
    {
      provide: MASTER_KEY_RING,
      inject: [blockchainConfig.KEY, appConfig.KEY],
      useFactory: (config: BlockchainConfig, app: AppConfig) =>
        resolveMasterKeyRing({
          configured: config.walletMasterKey,
          production: config.production,
          devKeyFile: join(app.cacheDir, 'wallet-master.key'),
          warn: (message) => new Logger(WalletService.name).warn(message),
        }),
    },
    {
      provide: WALLET_FAUCET,
      inject: [SUI_CLIENT, blockchainConfig.KEY],
      useFactory: (client: ClientWithCoreApi, config: BlockchainConfig): WalletFaucet | null =>
        client instanceof LocalLedger ? { fund: async (address) => void (await client.fund(address, config.faucetMist)) } : null,
    },
    {
      provide: SETTLEMENT_ATTEMPT_STORE,
      inject: [getConnectionToken()],
      useFactory: async (connection: Connection) => {
        const store = new MongoSettlementAttemptStore(connection);
        await store.ensureIndexes();
        return store;
      },
    },
    {
      provide: WalletLeases,
      inject: [REDIS_CLIENT, blockchainConfig.KEY],
      useFactory: (redis: Redis, config: BlockchainConfig) => new WalletLeases(redis, { ttlMs: config.walletLeaseTtlMs }),
    },
    {
      provide: SETTLEMENT_OPTIONS,
      inject: [SUI_CLIENT, blockchainConfig.KEY],
      useFactory: (client: ClientWithCoreApi, config: BlockchainConfig): SettlementOptions => ({
        network: client.network,
        submitTimeoutMs: config.submitTimeoutMs,
        gasBudgetMist: GAS_BUDGET_MIST,
      }),
    },
    {
      provide: GAS_STATION,
      inject: [SUI_CLIENT, REDIS_CLIENT, WalletLeases, WalletService, blockchainConfig.KEY, WALLET_FAUCET],
      useFactory: async (client: ClientWithCoreApi, redis: Redis, leases: WalletLeases, wallets: WalletService, config: BlockchainConfig, faucet: WalletFaucet | null) => {
        if (!config.sponsoredGas) return null;
        const station = new GasStation(client, redis, leases, await gasSponsor(config.gasSponsorKey, wallets), {
          gasBudget: GAS_BUDGET_MIST,
          poolSize: config.gasPoolSize,
          faucet: faucet ? (address) => faucet.fund(address) : undefined,
        });
        await station.prepare();
        return station;
      },
    },
    {
      provide: OUTFLOW_SETTLEMENT,
      inject: [SUI_CLIENT, REDIS_CLIENT, WalletLeases, WalletService, SETTLEMENT_ATTEMPT_STORE, SETTLEMENT_OPTIONS, GAS_STATION, blockchainConfig.KEY, WALLET_FAUCET],
      useFactory: async (
        client: ClientWithCoreApi,
        redis: Redis,
        leases: WalletLeases,
        wallets: WalletService,
        attempts: SettlementAttemptStore,
        options: SettlementOptions,
        paymentsGas: GasStation | null,
        config: BlockchainConfig,
        faucet: WalletFaucet | null,
      ) => {
        // Its coins are listed (and, locally, minted) only when the first refund or payout needs one.
        const gas =
          paymentsGas ??
          new GasStation(client, redis, leases, await gasSponsor(config.gasSponsorKey, wallets), {
            gasBudget: GAS_BUDGET_MIST,
            poolSize: config.gasPoolSize,
            faucet: faucet ? (address) => faucet.fund(address) : undefined,
          });
        return new SettlementService(client, wallets, leases, attempts, options, gas);
      },
    },
    WalletService,
    SettlementService,
    { provide: WALLET_PROVISIONER, useExisting: WalletService },
  ],
  exports: [SUI_CLIENT, WalletService, SettlementService, WALLET_PROVISIONER, OUTFLOW_SETTLEMENT],
})
export class BlockchainModule {}
