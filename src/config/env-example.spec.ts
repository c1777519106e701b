import 'reflect-metadata';
import { getMetadataStorage } from 'class-validator';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError, EnvironmentVariables, validateEnvironment } from './env.validation';
import { projectRoot } from './project-root';
import { PRODUCTION_ENVIRONMENT } from './production-environment.fixture';

/** `.env.example` is the operator's reference: exactly the variables the app validates, each explained. */

const example = readFileSync(join(projectRoot, '.env.example'), 'utf8');
const readme = readFileSync(join(projectRoot, 'README.md'), 'utf8');

/** `NAME=value` lines, each with the comment block above it (variables grouped under one comment share it). */
function documented(text: string): Map<string, string> {
  const variables = new Map<string, string>();
  let comment: string[] = [];
  let afterVariable = false;
  for (const line of text.split('\n')) {
    const assignment = /^([A-Z][A-Z0-9_]*)=/.exec(line);
    if (assignment) {
      variables.set(assignment[1], comment.join(' '));
    } else if (line.startsWith('#')) {
      if (afterVariable) comment = [];
      comment.push(line.replace(/^#\s?/, ''));
    } else {
      comment = [];
    }
    afterVariable = Boolean(assignment);
  }
  return variables;
}

/** Upper-case names in the README that are not the app's variables: the examples' shell variables, the demo merchant, a tool's, an error code. */
const NOT_APP_VARIABLES = ['TERMINAL_TOKEN', 'ADMIN_TOKEN', 'HOLDER_TOKEN', 'BASE_URL', 'BENCH_RATE', 'BENCH_SECONDS', 'BENCH_CONNECTIONS', 'FLEET_TERMINALS', 'FLEET_CARDS', 'FLEET_NODE_ARGS', 'FERRETDB_DEBUG_ADDR', 'NFCPAY_WEBHOOK_SECRET', 'GAS_SPONSOR_EMPTY', 'MERCHANT_ASYNC_TEST'];

/** Every property of EnvironmentVariables: each carries at least one class-validator decorator. */
function validatedVariables(): string[] {
  const metadata = getMetadataStorage().getTargetValidationMetadatas(EnvironmentVariables, '', true, false);
  return [...new Set(metadata.map((entry) => entry.propertyName))].sort();
}

const production: Record<string, string> = { ...PRODUCTION_ENVIRONMENT };

/** The variables production refuses to start without: those whose removal stops it, naming them. */
function productionRequired(): string[] {
  return Object.keys(production).filter((name) => {
    const { [name]: _removed, ...rest } = production;
    try {
      validateEnvironment(rest);
      return false;
    } catch (error) {
      return error instanceof ConfigError && error.message.startsWith(`Invalid configuration: ${name}: is required`);
    }
  });
}

describe('.env.example', () => {
  const variables = documented(example);

  it('lists only variables the app reads', () => {
    const unknown = [...variables.keys()].filter((name) => !validatedVariables().includes(name));
    expect(unknown).toEqual([]);
  });

  it('lists every variable the app reads', () => {
    const missing = validatedVariables().filter((name) => !variables.has(name));
    expect(missing).toEqual([]);
  });

  it('explains each variable in a comment above it', () => {
    const unexplained = [...variables].filter(([, comment]) => comment.trim() === '').map(([name]) => name);
    expect(unexplained).toEqual([]);
  });

  it('names what production requires, and says so beside each', () => {
    expect(validateEnvironment(production).NODE_ENV).toBe('production');
    const required = productionRequired();
    expect(required.sort()).toEqual(['JWT_SECRET', 'METRICS_TOKEN', 'MONGODB_URI', 'REDIS_URL', 'SUI_NETWORK', 'WALLET_MASTER_KEY', 'WEBHOOK_SECRET_KEY']);
    for (const name of required) {
      expect({ name, comment: variables.get(name) }).toEqual({ name, comment: expect.stringMatching(/required in production/i) });
    }
  });
});

describe('README', () => {
  it('names exactly the variables production requires', () => {
    const paragraph = /\*\*Production\*\* \(`NODE_ENV=production`\) refuses to start[^]*?\n\n/.exec(readme)?.[0] ?? '';
    const named = [...paragraph.matchAll(/`([A-Z][A-Z0-9_]+)`/g)].map(([, name]) => name).filter((name) => name !== 'WEBHOOKS_ENABLED');
    expect([...new Set(named)].sort()).toEqual(productionRequired().sort());
  });

  it('documents no variable the app does not read', () => {
    const variables = validatedVariables();
    const mentioned = [...readme.matchAll(/`([A-Z][A-Z0-9]*_[A-Z0-9_]+)(=[^`]*)?`/g)].map(([, name]) => name);
    const unknown = [...new Set(mentioned)].filter((name) => !variables.includes(name) && !NOT_APP_VARIABLES.includes(name));
    expect(unknown).toEqual([]);
  });
});
