import '../require-node-24';
import 'reflect-metadata';
import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { parseArgs } from 'node:util';
import { AuthModule } from '../auth/auth.module';
import { AuthService } from '../auth/auth.service';
import { loadConfiguration } from '../config/app.config';
import { processEnvironment } from '../config/environment';
import { ConfigError } from '../config/env.validation';
import { CoreModule } from '../roles/core.module';

const USAGE = 'usage: npm run admin -- create --email <email>   (the password, 12+ characters, on standard input)';

/**
 * `npm run admin -- create --email <e>`: makes an admin in the configured MongoDB (MONGODB_URI) through
 * the same AuthService the app uses, reading the password from standard input so it is never in the
 * shell history or the process list.
 */
async function main(): Promise<void> {
  const { positionals, values } = parseArgs({ allowPositionals: true, options: { email: { type: 'string' } } });
  if (positionals[0] !== 'create' || !values.email) throw new ConfigError(USAGE);
  const env = processEnvironment();
  if (!env.MONGODB_URI) throw new ConfigError('Set MONGODB_URI to the database of the deployment (the start banner of `npm start` prints the embedded one)');
  const password = (await readStdin()).replace(/\r?\n$/, '');
  if (password.length < 12) throw new ConfigError('The password (on standard input) must be at least 12 characters');
  const config = loadConfiguration({ ...env, ADMIN_EMAIL: undefined, ADMIN_PASSWORD: undefined, ADMIN_PASSWORD_FILE: undefined, LOG_LEVEL: 'warn' });

  @Module({ imports: [CoreModule.forRoot(config), AuthModule] })
  class AdminCliModule {}

  const app = await NestFactory.createApplicationContext(AdminCliModule, { logger: ['error', 'warn'] });
  try {
    const outcome = await app.get(AuthService).createAdmin(values.email, password);
    const said = { created: `Admin ${values.email} created`, exists: `${values.email} is already an admin; its password was left as it is`, 'taken-by-cardholder': `${values.email} belongs to a cardholder account; not made an admin` };
    console.log(said[outcome]);
    process.exitCode = outcome === 'taken-by-cardholder' ? 1 : 0;
  } finally {
    await app.close();
  }
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : String(error));
  process.exit(1);
});
