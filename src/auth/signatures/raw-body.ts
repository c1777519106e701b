import type { IncomingMessage } from 'node:http';

export type WithRawBody = { rawBody?: Buffer };

/** The JSON body parser's `verify` hook: keeps the bytes as received, which Content-Digest covers. */
export function keepRawBody(req: IncomingMessage, _res: unknown, buffer: Buffer): void {
  (req as IncomingMessage & WithRawBody).rawBody = buffer;
}
