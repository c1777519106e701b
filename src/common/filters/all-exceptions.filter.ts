import { ArgumentsHost, Catch, ExceptionFilter, HttpException, HttpStatus, Logger } from '@nestjs/common';
import { STATUS_CODES } from 'node:http';
import type { Request, Response } from 'express';
import { requestIdOf } from '../request-id/request-id.middleware';
import { allowedMethods } from './allowed-methods';

interface Described {
  status: number;
  body: Record<string, unknown>;
  headers?: Record<string, string>;
}

/** Errors raised by express' body parser before a route is reached. */
interface BodyParserError {
  type: string;
  status: number;
}

/**
 * Turns every failure into `{success:false, error, message?, requestId}`. A body never carries a
 * stack trace or a driver's error text: unexpected errors are logged and answered with a bare 500.
 */
@Catch()
export class AllExceptionsFilter implements ExceptionFilter {
  private readonly logger = new Logger('Exceptions');

  catch(exception: unknown, host: ArgumentsHost): void {
    if (host.getType() !== 'http') throw exception;
    const http = host.switchToHttp();
    const req = http.getRequest<Request>();
    const res = http.getResponse<Response>();
    const { status, body, headers } = this.describe(exception, req);
    if (status === 503 && isDependencyOutage(exception)) {
      this.logger.warn(`dependency unavailable: ${(exception as Error).message} (${requestIdOf(req)})`);
      res.setHeader('Retry-After', String(RETRY_AFTER_SECONDS));
    } else if (status >= 500) {
      this.logger.error({ err: exception, requestId: requestIdOf(req) }, 'Unhandled error');
    }
    if (res.headersSent) return;
    if (headers) res.set(headers);
    res.status(status).json({ success: false, ...body, requestId: requestIdOf(req) });
  }

  private describe(exception: unknown, req: Request): Described {
    // Nest wraps body-parser errors in an HttpException whose text is the parser's own.
    const cause = exception instanceof HttpException ? exception.cause : exception;
    if (isBodyParserError(cause)) return fromBodyParserError(cause);
    if (exception instanceof HttpException) return fromHttpException(exception, req);
    if (isDependencyOutage(exception)) {
      return { status: 503, body: { error: 'Service Unavailable', message: 'A service this request needs is unavailable; retry shortly with the same Idempotency-Key.' } };
    }
    return { status: 500, body: { error: 'Internal Server Error', message: 'Something went wrong; quote the requestId to support.' } };
  }
}

function fromHttpException(exception: HttpException, req: Request): Described {
  const status = exception.getStatus();
  const response = exception.getResponse();
  const standard = STATUS_CODES[status] ?? 'Error';
  if (typeof response === 'string') return { status, body: { error: standard, message: response } };
  const { statusCode: _ignored, success: _success, ...rest } = response as Record<string, unknown>;
  if (status === HttpStatus.NOT_FOUND && typeof rest.message === 'string' && rest.message.startsWith('Cannot ')) {
    return noRoute(req);
  }
  return { status, body: { ...rest, error: typeof rest.error === 'string' ? rest.error : standard } };
}

/** No route matched: 405 with Allow when the path is served under other methods, else 404. */
function noRoute(req: Request) {
  const allowed = allowedMethods(req);
  if (!allowed.length) return { status: HttpStatus.NOT_FOUND, body: { error: 'Not Found', message: `No route ${req.method} ${req.path}` } };
  return {
    status: HttpStatus.METHOD_NOT_ALLOWED,
    headers: { Allow: allowed.join(', ') },
    body: { error: 'Method Not Allowed', message: `${req.path} does not take ${req.method}; it takes ${allowed.join(', ')}` },
  };
}

const RETRY_AFTER_SECONDS = 2;
const OUTAGE_ERRORS = new Set([
  'MongoServerSelectionError',
  'MongooseServerSelectionError',
  'MongoNetworkError',
  'MongoNetworkTimeoutError',
  'MongoNotConnectedError',
  'MongoPoolClearedError',
  'MongoTopologyClosedError',
  'MaxRetriesPerRequestError',
]);

/** MongoDB or Redis unreachable: the caller should retry, not see a 500. */
function isDependencyOutage(exception: unknown): boolean {
  const error = exception as { name?: string; message?: string } | null;
  if (!error?.name) return false;
  return OUTAGE_ERRORS.has(error.name) || /ECONNREFUSED|ECONNRESET|Connection is closed|connection .* closed|buffering timed out|before initial connection/i.test(error.message ?? '');
}

function isBodyParserError(exception: unknown): exception is BodyParserError {
  const candidate = exception as Partial<BodyParserError> | null;
  return typeof candidate?.type === 'string' && typeof candidate.status === 'number' && candidate.type.startsWith('entity.');
}

function fromBodyParserError(exception: BodyParserError) {
  if (exception.type === 'entity.too.large') {
    return { status: 413, body: { error: 'Payload Too Large', message: 'The request body is larger than this API accepts.' } };
  }
  if (exception.type === 'entity.parse.failed') {
    return { status: 400, body: { error: 'Bad Request', message: 'The request body is not valid JSON.' } };
  }
  return { status: exception.status, body: { error: STATUS_CODES[exception.status] ?? 'Bad Request', message: 'The request body could not be read.' } };
}
