import { BadRequestException, UnsupportedMediaTypeException } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';

/**
 * Deeper than any DTO of this API nests (a fraud backtest, the deepest, nests 4 levels), and far below
 * the depth at which class-transformer's recursion overflows the stack (a few thousand).
 */
export const MAX_JSON_DEPTH = 32;

/** A body the JSON parser would skip (form-encoded, text, ...) is refused instead of read as missing fields. */
export function requireJsonBody(req: Request, _res: Response, next: NextFunction): void {
  if (hasBody(req) && !req.is('application/json')) {
    next(new UnsupportedMediaTypeException('This API takes application/json bodies: send JSON with Content-Type: application/json.'));
    return;
  }
  next();
}

/** Runs right after the JSON parser: a deeply nested body never reaches class-transformer. */
export function refuseDeepJson(req: Request, _res: Response, next: NextFunction): void {
  if (nestsDeeperThan(req.body, MAX_JSON_DEPTH)) {
    next(new BadRequestException(`The request body nests arrays or objects deeper than ${MAX_JSON_DEPTH} levels.`));
    return;
  }
  next();
}

/** As type-is decides it: a chunked body, or a non-zero Content-Length. */
function hasBody(req: Request): boolean {
  const length = req.headers['content-length'];
  return req.headers['transfer-encoding'] !== undefined || (length !== undefined && length !== '0');
}

/** Recurses at most `levels` deep, whatever the input. */
function nestsDeeperThan(value: unknown, levels: number): boolean {
  if (value === null || typeof value !== 'object') return false;
  if (levels === 0) return true;
  for (const child of Object.values(value)) if (nestsDeeperThan(child, levels - 1)) return true;
  return false;
}
