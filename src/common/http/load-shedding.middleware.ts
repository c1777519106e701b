import type { NextFunction, Request, Response } from 'express';
import { requestIdOf } from '../request-id/request-id.middleware';

/** Probes and scrapes must answer while the process is busiest: that is when they are needed. */
const NEVER_REFUSED = new Set(['/health', '/metrics']);
export const RETRY_AFTER_SECONDS = 1;

/**
 * Bounds the requests one process works on at once. Past `maxInFlight`, a request is answered 503
 * with Retry-After at once, before its body is read: a process behind a slow or stuck database
 * would otherwise take on every request that keeps arriving until its memory runs out (the
 * 100 taps/s soak grew each API process past 2 GB). A terminal retries with the same
 * Idempotency-Key, so a refused tap is neither lost nor doubled. No library bounds concurrency in
 * Express without queueing (which is what grows), hence these few lines.
 */
export function loadSheddingMiddleware(maxInFlight: number, onShed: () => void = () => undefined) {
  let inFlight = 0;
  return (req: Request, res: Response, next: NextFunction): void => {
    if (NEVER_REFUSED.has(req.path)) return next();
    if (inFlight >= maxInFlight) {
      onShed();
      res.status(503).setHeader('Retry-After', String(RETRY_AFTER_SECONDS));
      res.json({ success: false, error: 'Service Unavailable', message: 'Too many requests in progress: retry shortly (with the same Idempotency-Key)', requestId: requestIdOf(req) });
      return;
    }
    inFlight++;
    let released = false;
    const release = () => {
      if (released) return;
      released = true;
      inFlight--;
    };
    // Held until the app has produced its answer, not until the client goes away: a caller that
    // gives up (a terminal's timeout) leaves its work running, and that work is what is bounded.
    const end = res.end.bind(res) as (...args: unknown[]) => Response;
    res.end = ((...args: unknown[]) => {
      release();
      return end(...args);
    }) as Response['end'];
    next();
  };
}
