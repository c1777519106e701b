import { CallHandler, ExecutionContext, Injectable, NestInterceptor } from '@nestjs/common';
import type { Request } from 'express';
import { type Observable, tap } from 'rxjs';
import { requestIdOf } from '../common/request-id/request-id.middleware';
import { MetricsService } from './metrics.service';

const PROCESS_ASYNC = '/api/payment/process-async';

/**
 * Declines have no domain event: they are counted from process-async's answers, by declineCode.
 * An idempotent replay answers with the first request's body (and its requestId) and is skipped.
 */
@Injectable()
export class PaymentAnswersInterceptor implements NestInterceptor {
  constructor(private readonly metrics: MetricsService) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (context.getType() !== 'http') return next.handle();
    const req = context.switchToHttp().getRequest<Request>();
    if (req.method !== 'POST' || (req.route as { path?: string } | undefined)?.path !== PROCESS_ASYNC) return next.handle();
    return next.handle().pipe(
      tap((body) => {
        const answer = body as { declineCode?: string; requestId?: string } | undefined;
        if (answer?.declineCode && answer.requestId === requestIdOf(req)) this.metrics.paymentsDeclined.inc({ decline_code: answer.declineCode });
      }),
    );
  }
}
