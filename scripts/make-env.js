#!/usr/bin/env node
// `node scripts/make-env.js`: writes deploy.env, the secrets docker-compose.yml hands every NFC Pay
// container, each freshly generated. It never overwrites an existing file: a new WALLET_MASTER_KEY
// would leave every custodial wallet undecryptable, and a new JWT_SECRET logs everybody out.
//
// Not `.env`: the app reads a `.env` in the folder it starts in, so one here would turn `npm start`
// and the tests' own processes into this deployment.
const { randomBytes } = require('node:crypto');
const { existsSync, writeFileSync } = require('node:fs');
const { join } = require('node:path');

const file = join(__dirname, '..', 'deploy.env');
const adminEmail = process.env.ADMIN_EMAIL ?? 'admin@nfcpay.local';
const random = (bytes, encoding = 'base64url') => randomBytes(bytes).toString(encoding);

const contents = `# Made by scripts/make-env.js on ${new Date().toISOString()}. Keep it secret and keep it: the wallet
# keys in MongoDB can only be decrypted with this WALLET_MASTER_KEY.

# Access tokens (HMAC).
JWT_SECRET=${random(48)}
# Encrypts the custodial wallet keys: 32 bytes, base64.
WALLET_MASTER_KEY=${random(32, 'base64')}
# Encrypts merchants' webhook signing secrets at rest: 32 bytes, base64.
WEBHOOK_SECRET_KEY=${random(32, 'base64')}
# Prometheus scrapes /metrics with "Authorization: Bearer <METRICS_TOKEN>".
METRICS_TOKEN=${random(32)}

# The admin, created at the first start (an existing admin's password is never overwritten).
ADMIN_EMAIL=${adminEmail}
ADMIN_PASSWORD=${random(18)}

# On purpose: this compose file settles on the in-process ledger, no real money moves (/health says
# "ledger": "local"). For a network set testnet, mainnet or devnet (and SUI_GRPC_URL if needed).
SUI_NETWORK=local
`;

if (existsSync(file)) {
  console.error(`${file} exists already; not overwriting it (its keys protect the data). Move it away first to make a new one.`);
  process.exit(1);
}
writeFileSync(file, contents, { mode: 0o600 });
console.log(`Wrote ${file}: fresh JWT_SECRET, WALLET_MASTER_KEY, WEBHOOK_SECRET_KEY, METRICS_TOKEN and the admin ${adminEmail} (its password is in the file).`);
console.log('Next: docker compose up --build');
