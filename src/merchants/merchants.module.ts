import { Module } from '@nestjs/common';
import { MongooseModule } from '@nestjs/mongoose';
import { BlockchainModule } from '../blockchain/blockchain.module';
import { MerchantsService } from './merchants.service';
import { Merchant, MerchantSchema } from './schemas/merchant.schema';
import { Terminal, TerminalSchema } from './schemas/terminal.schema';

@Module({
  imports: [BlockchainModule, MongooseModule.forFeature([{ name: Merchant.name, schema: MerchantSchema }, { name: Terminal.name, schema: TerminalSchema }])],
  providers: [MerchantsService],
  exports: [MerchantsService],
})
export class MerchantsModule {}
