import { ValidationPipe } from '@nestjs/common';
import { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import helmet from 'helmet';
import { Logger } from 'nestjs-pino';
import { keepRawBody } from './auth/signatures/raw-body';
import { HTTP_SIGNATURE_SCHEME } from './auth/signatures/signature-docs';
import { AllExceptionsFilter } from './common/filters/all-exceptions.filter';
import { quietFrameworkLogger } from './common/logging/quiet-framework-logger';
import { validationExceptionFactory } from './common/filters/validation-exception.factory';
import { refuseDeepJson, requireJsonBody } from './common/validation/json-body';
import { requestIdMiddleware } from './common/request-id/request-id.middleware';
import { loadSheddingMiddleware } from './common/http/load-shedding.middleware';
import { appConfig, AppConfig } from './config/app.config';
import { httpMetricsMiddleware } from './metrics/http-metrics.middleware';
import { MetricsService } from './metrics/metrics.service';

/** Everything main.ts and the e2e tests share, so tests exercise the app exactly as it runs. */
export function configureApp(app: NestExpressApplication): NestExpressApplication {
  const config = app.get<AppConfig>(appConfig.KEY);
  app.useLogger(quietFrameworkLogger(app.get(Logger)));
  app.use(requestIdMiddleware);
  app.use(httpMetricsMiddleware(app.get(MetricsService)));
  app.use(loadSheddingMiddleware(config.maxInFlightRequests, () => app.get(MetricsService).requestsShed.inc()));
  app.use(helmet());
  app.use(requireJsonBody);
  // Keeps the raw bytes as `req.rawBody` (what Nest's rawBody option does): a signed request's
  // Content-Digest is checked over the body as sent. Nest's types leave `verify` out for that option.
  app.useBodyParser('json', { limit: config.bodyLimit, ...{ verify: keepRawBody } });
  app.use(refuseDeepJson);
  app.enableCors({ origin: config.frontendUrl, credentials: true });
  app.set('trust proxy', 'loopback');
  app.useGlobalFilters(new AllExceptionsFilter());
  app.useGlobalPipes(
    new ValidationPipe({ whitelist: true, forbidNonWhitelisted: true, transform: true, exceptionFactory: validationExceptionFactory }),
  );
  setUpSwagger(app);
  return app;
}

function setUpSwagger(app: NestExpressApplication): void {
  const document = new DocumentBuilder()
    .setTitle('NFC Pay API')
    .setDescription('NFC card payments that settle on Sui. Amounts are integers in the card currency minor unit (VND by default).')
    .setVersion('1.0')
    .addBearerAuth({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT' })
    .addSecurity('httpSignature', HTTP_SIGNATURE_SCHEME)
    .build();
  SwaggerModule.setup('api/docs', app, () => SwaggerModule.createDocument(app, document), { jsonDocumentUrl: 'api/docs-json' });
}

/** A worker-only process: /health and /metrics on METRICS_PORT, the API's error shape, no API. */
export function configureWorkerApp(app: NestExpressApplication): NestExpressApplication {
  app.useLogger(quietFrameworkLogger(app.get(Logger)));
  app.use(requestIdMiddleware);
  app.use(helmet());
  app.useGlobalFilters(new AllExceptionsFilter());
  return app;
}
