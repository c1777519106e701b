import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module';
import { BlockchainModule } from '../blockchain/blockchain.module';
import { WalletService } from '../blockchain/wallets/wallet.service';
import { CardsModule } from '../cards/cards.module';
import { CardsService } from '../cards/cards.service';
import { PaymentsModule } from '../payments/payments.module';
import { PaymentsService } from '../payments/payments.service';
import { RealtimeEventsListener } from './realtime.listener';
import { REALTIME_CARD_ACCESS, REALTIME_TRANSACTION_LOOKUP, REALTIME_WALLET_LOOKUP } from './realtime.ports';
import { RealtimeService } from './realtime.service';

/**
 * Turns domain events into socket events (RealtimeService, its listener). The gateway itself is
 * mounted by the API role; room authorization asks cards and payments read-only questions.
 */
@Module({
  imports: [AuthModule, CardsModule, PaymentsModule, BlockchainModule],
  providers: [
    RealtimeService,
    RealtimeEventsListener,
    { provide: REALTIME_CARD_ACCESS, useExisting: CardsService },
    { provide: REALTIME_TRANSACTION_LOOKUP, useExisting: PaymentsService },
    { provide: REALTIME_WALLET_LOOKUP, useExisting: WalletService },
  ],
  exports: [RealtimeService, AuthModule],
})
export class RealtimeModule {}
