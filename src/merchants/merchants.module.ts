import { Module } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { MongooseModule } from '@nestjs/mongoose';
import { webhooksConfig } from '../config/app.config';
import { MerchantsController } from './merchants.controller';
import { MerchantsService } from './merchants.service';
import { Merchant, MerchantSchema } from './schemas/merchant.schema';
import { Terminal, TerminalSchema } from './schemas/terminal.schema';

@Module({
  imports: [ConfigModule.forFeature(webhooksConfig), MongooseModule.forFeature([{ name: Merchant.name, schema: MerchantSchema }, { name: Terminal.name, schema: TerminalSchema }])],
  controllers: [MerchantsController],
  providers: [MerchantsService],
  exports: [MerchantsService],
})
export class MerchantsModule {}
