import { Global, Module } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { APP_INTERCEPTOR } from '@nestjs/core';
import { metricsConfig } from '../config/app.config';
import { MetricsController } from './metrics.controller';
import { PaymentAnswersInterceptor } from './metrics.interceptor';
import { MetricsListener } from './metrics.listener';
import { MetricsService } from './metrics.service';

/** Prometheus metrics at /metrics (prom-client). Global so app.setup.ts can time every request. */
@Global()
@Module({
  imports: [ConfigModule.forFeature(metricsConfig)],
  controllers: [MetricsController],
  providers: [MetricsService, MetricsListener, { provide: APP_INTERCEPTOR, useClass: PaymentAnswersInterceptor }],
  exports: [MetricsService],
})
export class MetricsModule {}
