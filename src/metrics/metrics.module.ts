import { Global, Module } from '@nestjs/common';
import { APP_INTERCEPTOR } from '@nestjs/core';
import { MetricsController } from './metrics.controller';
import { PaymentAnswersInterceptor } from './metrics.interceptor';
import { MetricsListener } from './metrics.listener';
import { MetricsService } from './metrics.service';

/** Prometheus metrics at /metrics (prom-client). Global so app.setup.ts can time every request. */
@Global()
@Module({
  controllers: [MetricsController],
  providers: [MetricsService, MetricsListener, { provide: APP_INTERCEPTOR, useClass: PaymentAnswersInterceptor }],
  exports: [MetricsService],
})
export class MetricsModule {}
