import { DynamicModule, Global, Module } from '@nestjs/common';
import { blockchainConfig } from '../blockchain/blockchain.config';
import { fraudConfig } from '../fraud/fraud.config';
import { appConfig, authConfig, cardsConfig, databaseConfig, metricsConfig, type NfcPayConfig, paymentsConfig, redisConfig, throttlingConfig, webhooksConfig } from './app.config';

export const NFCPAY_CONFIG = 'nfcpay.config';

const SECTIONS = [appConfig, databaseConfig, redisConfig, authConfig, paymentsConfig, throttlingConfig, webhooksConfig, metricsConfig, blockchainConfig, fraudConfig, cardsConfig] as const;

/** The one configuration object, whole (NFCPAY_CONFIG) and by section (`appConfig.KEY`, …), for every module. */
@Global()
@Module({})
export class ConfigurationModule {
  static forRoot(config: NfcPayConfig): DynamicModule {
    const sections = SECTIONS.map((token) => ({ provide: token.KEY, useValue: config[token.section] }));
    return {
      module: ConfigurationModule,
      providers: [{ provide: NFCPAY_CONFIG, useValue: config }, ...sections],
      exports: [NFCPAY_CONFIG, ...sections.map((section) => section.provide)],
    };
  }
}
