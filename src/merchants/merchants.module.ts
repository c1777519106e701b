import { OfflinePolicy, OfflinePolicySchema, OfflinePolicyService } from './offline/offline-policy';
import { Module } from '@nestjs/common';
import { MongooseModule } from '@nestjs/mongoose';
import { BlockchainModule } from '../blockchain/blockchain.module';
import { MerchantsService } from './merchants.service';
import { Merchant, MerchantSchema } from './schemas/merchant.schema';
import { CredentialClaim, CredentialClaimSchema, PairingCode, PairingCodeSchema } from './schemas/pairing-code.schema';
import { Terminal, TerminalSchema } from './schemas/terminal.schema';
import { TerminalKeysService } from './terminal-keys.service';
import { TerminalPairingService } from './terminal-pairing.service';
import { TerminalPresence } from './terminal-presence';

@Module({
  imports: [
    BlockchainModule,
    MongooseModule.forFeature([
      { name: Merchant.name, schema: MerchantSchema },
      { name: Terminal.name, schema: TerminalSchema },
      { name: PairingCode.name, schema: PairingCodeSchema },
      { name: CredentialClaim.name, schema: CredentialClaimSchema },
      { name: OfflinePolicy.name, schema: OfflinePolicySchema },
    ]),
  ],
  providers: [MerchantsService, TerminalPresence, TerminalPairingService, TerminalKeysService, OfflinePolicyService],
  exports: [MerchantsService, TerminalPresence, TerminalPairingService, TerminalKeysService, OfflinePolicyService],
})
export class MerchantsModule {}
