#!/usr/bin/env node
// `npm run demo`: seeds the seed tutorial's demo data through the API of a running NFC Pay
// (`npm start`) and prints the tokens: a cardholder with card test-async-card-123, merchant
// MERCHANT_ASYNC_TEST with terminal terminal-async-001. Safe to run again.
const { createHash } = require('node:crypto');
const { readFileSync, existsSync } = require('node:fs');
const { join } = require('node:path');
const { loadDemoCard, saveDemoCard } = require('./card-simulator');

const DEMO = {
  email: 'demo.holder@nfcpay.local',
  password: 'demo-holder-password',
  fullName: 'Demo Cardholder',
  cardUuid: 'test-async-card-123',
  merchantId: 'MERCHANT_ASYNC_TEST',
  terminalId: 'terminal-async-001',
  /** An NTAG 424 DNA card, simulated in software (scripts/card-simulator.js). */
  secureCardUuid: 'test-secure-card-001',
  secureCardUid: `04${createHash('sha256').update('nfcpay demo secure card').digest('hex').slice(0, 12)}`,
};

/** Admin credentials: ADMIN_EMAIL / ADMIN_PASSWORD, else the development admin `npm start` created. */
function adminCredentials() {
  if (process.env.ADMIN_EMAIL && process.env.ADMIN_PASSWORD) return { email: process.env.ADMIN_EMAIL, password: process.env.ADMIN_PASSWORD };
  const secrets = join(process.env.NFCPAY_CACHE_DIR ?? join(__dirname, '..', '.cache'), 'dev-secrets.json');
  if (!existsSync(secrets)) throw new Error('No ADMIN_EMAIL/ADMIN_PASSWORD and no development admin: start the app with `npm start` first.');
  return { email: 'admin@nfcpay.local', password: JSON.parse(readFileSync(secrets, 'utf8')).ADMIN_PASSWORD };
}

async function call(baseUrl, method, path, body, token) {
  const res = await fetch(`${baseUrl}${path}`, {
    method,
    headers: { 'Content-Type': 'application/json', ...(token && { Authorization: `Bearer ${token}` }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, body: await res.json().catch(() => ({})) };
}

function expectStatus(res, ...ok) {
  if (!ok.includes(res.status)) throw new Error(`unexpected ${res.status}: ${JSON.stringify(res.body)}`);
  return res;
}

async function seedDemo(baseUrl = process.env.BASE_URL ?? 'http://localhost:8080') {
  const admin = adminCredentials();
  const adminToken = expectStatus(await call(baseUrl, 'POST', '/api/auth/login', admin), 200).body.accessToken;

  // Register answers 202 whether or not the email was taken (it never tells), and no token: log in next.
  expectStatus(await call(baseUrl, 'POST', '/api/auth/register', { email: DEMO.email, password: DEMO.password, fullName: DEMO.fullName }), 202);
  const holder = expectStatus(await call(baseUrl, 'POST', '/api/auth/login', { email: DEMO.email, password: DEMO.password }), 200).body;
  expectStatus(await call(baseUrl, 'POST', '/api/cards', { cardUuid: DEMO.cardUuid }, holder.accessToken), 201, 409);

  // A fixed, well-formed address for the demo merchant; nobody needs its key to receive.
  const walletAddress = `0x${createHash('sha256').update(DEMO.merchantId).digest('hex')}`;
  expectStatus(await call(baseUrl, 'POST', '/api/merchants', { merchantId: DEMO.merchantId, name: 'Async Test Merchant', walletAddress }, adminToken), 201, 409);
  const created = await call(baseUrl, 'POST', `/api/merchants/${DEMO.merchantId}/terminals`, { terminalId: DEMO.terminalId }, adminToken);
  const terminalSecret =
    expectStatus(created, 201, 409).status === 201
      ? created.body.terminalSecret
      : expectStatus(await call(baseUrl, 'POST', `/api/merchants/${DEMO.merchantId}/terminals/${DEMO.terminalId}/rotate-secret`, undefined, adminToken), 200).body.terminalSecret;
  const terminal = expectStatus(await call(baseUrl, 'POST', '/api/auth/terminal/token', { terminalId: DEMO.terminalId, terminalSecret }), 200).body;

  const secureCard = await seedSecureCard(baseUrl, holder.accessToken);
  return { baseUrl, demo: DEMO, adminToken, holderToken: holder.accessToken, terminalToken: terminal.accessToken, terminalSecret, merchantWallet: walletAddress, secureCard };
}

/**
 * The secure card: registered once (its keys answered once, kept for the simulator); when it was
 * registered before and its keys are not here, reprogrammed for new ones. Null when the server has
 * no CARD_ISSUER_KEY (503).
 */
async function seedSecureCard(baseUrl, holderToken) {
  const saved = loadDemoCard();
  const registered = await call(baseUrl, 'POST', '/api/cards', { cardUuid: DEMO.secureCardUuid, nfcUid: DEMO.secureCardUid }, holderToken);
  if (registered.status === 503) return null;
  let programming;
  if (expectStatus(registered, 201, 409).status === 201) programming = registered.body.programming;
  else {
    const card = expectStatus(await call(baseUrl, 'GET', `/api/cards/${DEMO.secureCardUuid}`, undefined, holderToken), 200).body.card;
    if (saved?.cardUuid === DEMO.secureCardUuid && saved.programming.version === card.keyVersion) return saved;
    const reprogrammed = await call(baseUrl, 'POST', `/api/cards/${DEMO.secureCardUuid}/reprogram`, { password: DEMO.password }, holderToken);
    programming = expectStatus(reprogrammed, 200).body.programming;
  }
  const state = { cardUuid: DEMO.secureCardUuid, nfcUid: DEMO.secureCardUid, programming, counter: 0 };
  saveDemoCard(state);
  return state;
}

/** What the default fraud rules (src/fraud/fraud-rules.config.ts) do to somebody tapping by hand, and how to relax them. */
function fraudNote(baseUrl) {
  return `
The default fraud rules apply to these taps too (declines answer 400 with declineCode fraud_high_risk):
  - after 3 payments of a card within 60 s (or 20 within an hour) its next one is declined (velocity);
  - a card declined more than 3 times within 10 min stays declined until those declines are 10 min old (card testing),
    and a terminal at which more than 4 different cards were declined within 10 min declines every card.
  Wait a minute between bursts, or relax the rules as the admin (applies from the next payment):
  curl -X PUT ${baseUrl}/api/fraud/rules -H "Authorization: Bearer $ADMIN_TOKEN" -H 'Content-Type: application/json' \\
    -d '{"rules":{"velocity":{"maxPerMinute":1000,"maxPerHour":1000},"cardTesting":{"enabled":false}}}'`;
}

module.exports = { seedDemo, DEMO, fraudNote };

if (require.main === module) {
  seedDemo()
    .then((seeded) => {
      console.log(`Demo data ready on ${seeded.baseUrl}`);
      console.log(`  cardholder ${DEMO.email} / ${DEMO.password}, card ${DEMO.cardUuid}`);
      console.log(`  merchant ${DEMO.merchantId}, terminal ${DEMO.terminalId} (secret ${seeded.terminalSecret})`);
      if (seeded.secureCard) console.log(`  secure card ${seeded.secureCard.cardUuid} (UID ${seeded.secureCard.nfcUid}, key version ${seeded.secureCard.programming.version}), simulated by scripts/card-simulator.js`);
      console.log(`\nTERMINAL_TOKEN=${seeded.terminalToken}`);
      console.log(`HOLDER_TOKEN=${seeded.holderToken}`);
      console.log(`ADMIN_TOKEN=${seeded.adminToken}`);
      // A fresh key per run, made by node (every machine running this has it; uuidgen is not everywhere).
      // Sending the same key again replays the first answer: that is the idempotency, not a new payment.
      console.log(
        `\nPay 75 000 VND (each run a new payment):\n  curl -X POST ${seeded.baseUrl}/api/payment/process-async -H "Authorization: Bearer $TERMINAL_TOKEN" ` +
          `-H 'Content-Type: application/json' -H "Idempotency-Key: $(node -e 'console.log(crypto.randomUUID())')" ` +
          `-d '{"cardUuid":"${DEMO.cardUuid}","amount":75000,"merchantId":"${DEMO.merchantId}","terminalId":"${DEMO.terminalId}"}'`,
      );
      console.log(fraudNote(seeded.baseUrl));
      if (seeded.secureCard) {
        console.log(
          `\nPay with a tap of the secure card (each run of the simulator is the next tap):\n` +
            `  curl -X POST ${seeded.baseUrl}/api/payment/process-async -H "Authorization: Bearer $TERMINAL_TOKEN" ` +
            `-H 'Content-Type: application/json' -H "Idempotency-Key: $(node -e 'console.log(crypto.randomUUID())')" ` +
            `-d "$(node scripts/card-simulator.js 75000 ${DEMO.merchantId} ${DEMO.terminalId})"`,
        );
      }
    })
    .catch((error) => {
      console.error(`demo failed: ${error.message}`);
      process.exit(1);
    });
}
