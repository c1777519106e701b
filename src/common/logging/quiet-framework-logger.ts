import type { LoggerService } from '@nestjs/common';

/** Nest's own start-up chatter (one line per module, route and gateway), logged at debug instead of info. */
const FRAMEWORK_CONTEXTS = new Set(['NestFactory', 'InstanceLoader', 'RoutesResolver', 'RouterExplorer', 'NestApplication', 'WebSocketsController']);

/**
 * The app's logger (pino) for Nest, except that framework start-up lines go to debug, so
 * `npm start` prints the banner, warnings and errors rather than a hundred "Mapped {…}" lines.
 */
export function quietFrameworkLogger(logger: LoggerService & { debug(message: unknown, ...rest: unknown[]): void }): LoggerService {
  return {
    log: (message: unknown, ...rest: unknown[]) => {
      const context = rest[rest.length - 1];
      if (typeof context === 'string' && FRAMEWORK_CONTEXTS.has(context)) logger.debug(message, ...rest);
      else logger.log(message, ...rest);
    },
    error: (message: unknown, ...rest: unknown[]) => logger.error(message, ...rest),
    warn: (message: unknown, ...rest: unknown[]) => logger.warn(message, ...rest),
    debug: (message: unknown, ...rest: unknown[]) => logger.debug(message, ...rest),
    verbose: (message: unknown, ...rest: unknown[]) => logger.verbose?.(message, ...rest),
    fatal: (message: unknown, ...rest: unknown[]) => logger.fatal?.(message, ...rest),
  };
}
