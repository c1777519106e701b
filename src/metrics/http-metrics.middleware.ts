import type { NextFunction, Request, Response } from 'express';
import { runAsRequest } from '../common/database/command-origin';
import type { MetricsService } from './metrics.service';

/**
 * Times every HTTP request, labelled by the matched route pattern (`/api/payment/status/:transactionId`,
 * never the raw URL, so ids do not explode the series) and status. Requests that matched no
 * route are `route="unmatched"`. Guards run inside the route, so 401/403/429 answers carry their route.
 * What the request does runs as its database commands' `request` origin (see command-origin.ts).
 */
export function httpMetricsMiddleware(metrics: MetricsService) {
  return (req: Request, res: Response, next: NextFunction): void => {
    const end = metrics.httpDuration.startTimer();
    res.once('finish', () => {
      const route = (req.route as { path?: string } | undefined)?.path;
      const path = typeof route === 'string' ? `${req.baseUrl ?? ''}${route}` : req.originalUrl.startsWith('/admin/queues') ? '/admin/queues' : 'unmatched';
      end({ method: req.method, route: path, status: String(res.statusCode) });
    });
    runAsRequest(next);
  };
}
