import { existsSync } from 'node:fs';

// Imported first by main.ts: decorators read a few settings (queue concurrency) at import time,
// so a .env file must be in process.env before any other module loads.
if (existsSync('.env')) process.loadEnvFile('.env');
