import type { Params } from 'nestjs-pino';
import type { IncomingMessage } from 'node:http';
import type { AppConfig } from '../../config/app.config';
import { requestIdOf } from '../request-id/request-id.middleware';

/** pino for every log line: JSON in production, readable in development, secrets redacted. */
export function loggerOptions(config: AppConfig): Params {
  return {
    pinoHttp: {
      level: config.logLevel,
      genReqId: (req: IncomingMessage) => requestIdOf(req) ?? 'unknown',
      customAttributeKeys: { reqId: 'requestId' },
      // Log lines inside a request carry only its id; the access line carries method, url and status.
      quietReqLogger: true,
      serializers: {
        req: (req: { method: string; url: string }) => ({ method: req.method, url: req.url }),
        res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
      },
      redact: { paths: ['req.headers.authorization', '*.password', '*.terminalSecret', '*.accessToken'], remove: true },
      transport: config.logFormat === 'pretty' ? { target: 'pino-pretty', options: { singleLine: true, translateTime: 'SYS:HH:MM:ss.l' } } : undefined,
      autoLogging: { ignore: (req: IncomingMessage) => req.url === '/health' },
    },
  };
}
