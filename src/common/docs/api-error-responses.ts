import { applyDecorators } from '@nestjs/common';
import { ApiResponse, type HeadersObject } from '@nestjs/swagger';
import { ErrorResponseDto } from '../filters/error-body';

export type ErrorStatus = 400 | 401 | 403 | 404 | 405 | 409 | 413 | 415 | 429 | 503;

/** A route's own wording for a status it shares with others (its example message too, if it differs). */
export interface ErrorSpec {
  status: ErrorStatus;
  description: string;
  message?: string;
}

interface ErrorDoc {
  description: string;
  error: string;
  message: string;
  details?: { field: string; errors: string[] }[];
  retryAfter?: true;
}

const RETRY_AFTER: HeadersObject = {
  'Retry-After': { description: 'Seconds to wait before retrying', schema: { type: 'integer', example: 2 } },
};

/** One example per status, each as the exception filter really writes it. */
const ERRORS: Record<ErrorStatus, ErrorDoc> = {
  400: {
    description: 'Invalid body, query or path; `details` names each offending field with one message',
    error: 'Bad Request',
    message: 'Validation failed',
    details: [{ field: 'amount', errors: ['amount is required'] }],
  },
  401: { description: 'Missing, expired or invalid access token', error: 'Unauthorized', message: 'Missing, expired or invalid access token' },
  403: { description: "The token's role may not call this route", error: 'Forbidden', message: 'This route is not for your role' },
  404: { description: 'No such resource, or not yours', error: 'Not Found', message: 'Not found' },
  405: { description: 'The path exists but not for this method; the Allow header lists the methods', error: 'Method Not Allowed', message: '/api/payment/process-async does not take GET; it takes POST' },
  409: { description: 'Conflicts with the current state', error: 'Conflict', message: 'Conflict' },
  413: { description: 'The body is larger than the API accepts (BODY_LIMIT)', error: 'Payload Too Large', message: 'The request body is larger than this API accepts.' },
  415: {
    description: 'The body is not JSON',
    error: 'Unsupported Media Type',
    message: 'This API takes application/json bodies: send JSON with Content-Type: application/json.',
  },
  429: {
    description: 'Rate limit passed; retry after Retry-After seconds',
    error: 'Too Many Requests',
    message: 'Rate limit "nfc" exceeded (600 per 60 s); retry in 12 s',
    retryAfter: true,
  },
  503: {
    description: 'MongoDB or Redis is unreachable; retry after Retry-After seconds',
    error: 'Service Unavailable',
    message: 'A service this request needs is unavailable; retry shortly with the same Idempotency-Key.',
    retryAfter: true,
  },
};

const EXAMPLE_REQUEST_ID = '6f1c0b9e-4a47-4a55-9c55-2f7a8e3e2b11';

/** The error body the filter answers `status` with, for a response example. */
export function errorExample(status: ErrorStatus, message?: string): Record<string, unknown> {
  const doc = ERRORS[status];
  return { success: false, error: doc.error, message: message ?? doc.message, ...(doc.details && { details: doc.details }), requestId: EXAMPLE_REQUEST_ID };
}

/**
 * Documents the error statuses a route (or every route of a controller) answers, each with its
 * own description and example body, plus Retry-After where the API sends it. A bare status takes
 * the shared wording; an ErrorSpec gives the route's own.
 */
export function ApiErrorResponses(...specs: Array<ErrorStatus | ErrorSpec>) {
  return applyDecorators(
    ...specs.map((spec) => {
      const { status, description, message } = typeof spec === 'number' ? { status: spec, description: undefined, message: undefined } : spec;
      const doc = ERRORS[status];
      return ApiResponse({
        status,
        description: description ?? doc.description,
        type: ErrorResponseDto,
        example: errorExample(status, message),
        ...(doc.retryAfter && { headers: RETRY_AFTER }),
      });
    }),
  );
}
