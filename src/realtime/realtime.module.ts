import { DynamicModule, InjectionToken, Module, ModuleMetadata } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module';
import { BlockchainModule } from '../blockchain/blockchain.module';
import { WalletService } from '../blockchain/wallets/wallet.service';
import { CardsModule } from '../cards/cards.module';
import { CardsService } from '../cards/cards.service';
import { PaymentsService } from '../payments/payments.service';
import { RealtimeController } from './realtime.controller';
import { RealtimeGateway } from './realtime.gateway';
import { RealtimeEventsListener } from './realtime.listener';
import { REALTIME_CARD_ACCESS, REALTIME_TRANSACTION_LOOKUP, REALTIME_WALLET_LOOKUP } from './realtime.ports';
import { RealtimeService } from './realtime.service';

export interface RealtimeModuleOptions {
  /** Modules exporting the providers named below. */
  imports?: ModuleMetadata['imports'];
  /** A provider with `isVisibleTo(cardUuid, principal)` (CardsService). */
  cardAccess: InjectionToken;
  /** A provider with `visibleTransaction(transactionId, principal)` (PaymentsService). */
  transactionLookup: InjectionToken;
  /** A provider with `walletOf(userId)` and `getBalance(address)` (WalletService); without it balance:update carries only the amount spent. */
  walletLookup?: InjectionToken;
}

/**
 * The Socket.IO gateway, its broadcasts and `GET /api/payment/ws-status`. Global, so any module can
 * inject RealtimeService (e.g. to send a `system:alert`) without importing this dynamic module.
 */
@Module({})
export class RealtimeModule {
  static register(options: RealtimeModuleOptions): DynamicModule {
    return {
      module: RealtimeModule,
      global: true,
      imports: [AuthModule, ...(options.imports ?? [])],
      controllers: [RealtimeController],
      providers: [
        RealtimeService,
        RealtimeGateway,
        RealtimeEventsListener,
        { provide: REALTIME_CARD_ACCESS, useExisting: options.cardAccess },
        { provide: REALTIME_TRANSACTION_LOOKUP, useExisting: options.transactionLookup },
        ...(options.walletLookup ? [{ provide: REALTIME_WALLET_LOOKUP, useExisting: options.walletLookup }] : []),
      ],
      exports: [RealtimeService],
    };
  }

  /**
   * The app's wiring. `payments` must be the very PaymentsModule.register(...) object AppModule
   * imports (Nest identifies dynamic modules by reference), so no second PaymentsModule is made.
   */
  static forApp(payments: DynamicModule): DynamicModule {
    return RealtimeModule.register({
      imports: [CardsModule, payments, BlockchainModule],
      cardAccess: CardsService,
      transactionLookup: PaymentsService,
      walletLookup: WalletService,
    });
  }
}
