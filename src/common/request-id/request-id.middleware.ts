import { randomUUID } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';

export const REQUEST_ID_HEADER = 'X-Request-Id';
const SANE_REQUEST_ID = /^[A-Za-z0-9._:-]{8,128}$/;

/**
 * Gives every request an id before anything else runs (body parsing included), so even an error
 * thrown by the body parser is answered, and logged, with the id. A caller's own id is kept when
 * it is sane, so a terminal can correlate its retries; anything else is replaced.
 */
export function requestIdMiddleware(req: Request, res: Response, next: NextFunction): void {
  const offered = req.headers['x-request-id'];
  const id = typeof offered === 'string' && SANE_REQUEST_ID.test(offered) ? offered : randomUUID();
  (req as Request & { id: string }).id = id;
  res.setHeader(REQUEST_ID_HEADER, id);
  next();
}

export function requestIdOf(req: unknown): string | undefined {
  return (req as { id?: string } | undefined)?.id;
}
