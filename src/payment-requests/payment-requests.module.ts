import { Module } from '@nestjs/common';
import { MongooseModule } from '@nestjs/mongoose';
import { CLOCK, systemClock } from '../common/time/clock';
import { MerchantsModule } from '../merchants/merchants.module';
import { PaymentsModule } from '../payments/payments.module';
import { PaymentRequest, PaymentRequestClaim, PaymentRequestClaimSchema, PaymentRequestSchema } from './payment-request.schema';
import { PaymentRequestsService } from './payment-requests.service';

/** QR payment requests. The controller is mounted by the API role. */
@Module({
  imports: [
    MongooseModule.forFeature([
      { name: PaymentRequest.name, schema: PaymentRequestSchema },
      { name: PaymentRequestClaim.name, schema: PaymentRequestClaimSchema },
    ]),
    MerchantsModule,
    PaymentsModule,
  ],
  providers: [PaymentRequestsService, { provide: CLOCK, useValue: systemClock }],
  exports: [PaymentRequestsService],
})
export class PaymentRequestsModule {}
