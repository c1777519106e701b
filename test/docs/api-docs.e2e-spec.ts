import { NestExpressApplication } from '@nestjs/platform-express';
import { STATUS_CODES } from 'node:http';
import request from 'supertest';
import { LIMIT_CEILING } from '../../src/cards/dto/card.dto';
import { closeTestApp, createTestApp } from '../support/test-app';

type Json = Record<string, unknown>;

/** Every `$ref` in the document, with the JSON path it sits at. */
function refsOf(node: unknown, path = '#'): { at: string; ref: string }[] {
  if (Array.isArray(node)) return node.flatMap((item, i) => refsOf(item, `${path}/${i}`));
  if (!node || typeof node !== 'object') return [];
  return Object.entries(node as Json).flatMap(([key, value]) => (key === '$ref' && typeof value === 'string' ? [{ at: path, ref: value }] : refsOf(value, `${path}/${key}`)));
}

function resolves(document: Json, ref: string): boolean {
  if (!ref.startsWith('#/')) return false;
  let node: unknown = document;
  for (const part of ref.slice(2).split('/')) {
    if (!node || typeof node !== 'object' || !(part in (node as Json))) return false;
    node = (node as Json)[part];
  }
  return true;
}

const METHODS = ['get', 'put', 'post', 'delete', 'patch', 'head', 'options'];

describe('the API document', () => {
  let app: NestExpressApplication;
  let document: Json;
  let operations: { name: string; operation: Json }[];

  beforeAll(async () => {
    app = await createTestApp();
    document = (await request(app.getHttpServer()).get('/api/docs-json').expect(200)).body;
    operations = Object.entries(document.paths as Record<string, Json>).flatMap(([path, item]) =>
      METHODS.filter((method) => item[method]).map((method) => ({ name: `${method.toUpperCase()} ${path}`, operation: item[method] as Json })),
    );
  });
  afterAll(() => closeTestApp(app));

  it('has no unresolved $ref', () => {
    const dangling = refsOf(document).filter(({ ref }) => !resolves(document, ref));
    expect(dangling).toEqual([]);
  });

  it('gives every operation a summary', () => {
    expect(operations.filter(({ operation }) => !operation.summary).map(({ name }) => name)).toEqual([]);
  });

  it('describes every response', () => {
    const bare = operations.flatMap(({ name, operation }) =>
      Object.entries(operation.responses as Record<string, Json>)
        .filter(([, response]) => !response.description)
        .map(([status]) => `${name} ${status}`),
    );
    expect(bare).toEqual([]);
  });

  it('describes every parameter', () => {
    const bare = operations.flatMap(({ name, operation }) =>
      ((operation.parameters as Json[] | undefined) ?? []).filter((parameter) => !parameter.description).map((parameter) => `${name} ${parameter.in}:${parameter.name}`),
    );
    expect(bare).toEqual([]);
  });

  it('gives every error response an example body of its own status', () => {
    const wrong = operations.flatMap(({ name, operation }) =>
      Object.entries(operation.responses as Record<string, Json>)
        .filter(([status]) => Number(status) >= 400)
        .flatMap(([status, response]) => {
          const media = ((response.content as Record<string, Json> | undefined) ?? {})['application/json'] ?? {};
          const examples = media.example ? [media.example] : Object.values((media.examples as Record<string, Json> | undefined) ?? {}).map((entry) => entry.value);
          const standard = examples.filter((example) => (example as Json).error === STATUS_CODES[status]);
          // process-async's 400 also has the seed's decline, whose error text is its own.
          return examples.length && standard.length && (status === '400' || standard.length === examples.length) ? [] : [`${name} ${status}`];
        }),
    );
    expect(wrong).toEqual([]);
  });

  it('documents 429 with Retry-After on every /api route', () => {
    const missing = operations
      .filter(({ name }) => name.includes(' /api/'))
      .filter(({ operation }) => !((operation.responses as Record<string, Json>)['429']?.headers as Json | undefined)?.['Retry-After'])
      .map(({ name }) => name);
    expect(missing).toEqual([]);
  });

  it('documents a validation 400 and a decline 400 on process-async, and amount as the integer validation takes', () => {
    const responses = (document.paths as Record<string, Record<string, Json>>)['/api/payment/process-async'].post.responses as Record<string, Json>;
    const examples = ((responses['400'].content as Record<string, Json>)['application/json'].examples ?? {}) as Record<string, { value: Json }>;
    // Validation and decline examples, each kind at least once (declines may show several codes).
    expect(new Set(Object.values(examples).map((example) => example.value.error))).toEqual(new Set(['Bad Request', 'Transaction not authorized']));
    for (const status of ['401', '403', '409', '413', '415', '429', '503']) expect(responses[status]).toBeDefined();
    const amount = ((document.components as Json).schemas as Record<string, Json>).ProcessPaymentDto.properties as Record<string, Json>;
    expect(amount.amount).toMatchObject({ type: 'integer', minimum: 1, maximum: LIMIT_CEILING });
  });

  it("documents the PIN step: process-async's requires_pin, the PIN route's answers, setting and unblocking a PIN, and the admin's CVM settings", () => {
    const paths = document.paths as Record<string, Record<string, Json>>;
    const accepted = paths['/api/payment/process-async'].post.responses as Record<string, Json>;
    expect(JSON.stringify(accepted['202'])).toContain('PaymentRequiresPinDto');
    const pin = paths['/api/payment/{transactionId}/pin']?.post;
    expect(Object.keys((pin?.responses ?? {}) as Json)).toEqual(expect.arrayContaining(['200', '400', '404', '409', '410']));
    expect(paths['/api/cards/{cardUuid}/pin']?.put).toBeDefined();
    expect(paths['/api/cards/{cardUuid}/pin/unblock']?.post).toBeDefined();
    const body = (paths['/api/cards/{cardUuid}/limits'].patch.requestBody as Json).content as Record<string, { schema: { $ref: string } }>;
    const limits = ((document.components as Json).schemas as Record<string, Json>)[body['application/json'].schema.$ref.split('/').pop()!].properties as Json;
    expect(Object.keys(limits)).toEqual(expect.arrayContaining(['cvmLimit', 'cvmConsecutiveTaps']));
  });

  it('documents /metrics and /health', () => {
    expect(Object.keys(document.paths as Json)).toEqual(expect.arrayContaining(['/metrics', '/health', '/health/ready']));
  });
});
