#!/usr/bin/env node
// A software NTAG 424 DNA for the demo: `npm run demo` registers a secure card and keeps its
// programming keys and read counter in <cache>/demo-secure-card.json; each tap here answers the
// next `p`/`c`, as a real card mirrors them into its URL. `node scripts/card-simulator.js` prints one
// tap as the `sun` body field; `node scripts/card-simulator.js 75000 <merchantId> <terminalId>` a whole
// process-async body. Needs the build (`npm start` or `npm run build` makes it).
const { existsSync, readFileSync, writeFileSync, mkdirSync } = require('node:fs');
const { dirname, join } = require('node:path');

const cardFile = () => join(process.env.NFCPAY_CACHE_DIR ?? join(__dirname, '..', '.cache'), 'demo-secure-card.json');

function softwareCard(state) {
  const built = join(__dirname, '..', 'dist', 'cards', 'sun', 'card-simulator.js');
  if (!existsSync(built)) throw new Error('the card simulator needs the build: run `npm run build` (or `npm start`) first');
  const { SoftwareCard } = require(built);
  return new SoftwareCard(state.nfcUid, state.programming, state.counter);
}

/** The demo's secure card (cardUuid, nfcUid, programming keys, last counter), or null if the demo made none. */
function loadDemoCard() {
  return existsSync(cardFile()) ? JSON.parse(readFileSync(cardFile(), 'utf8')) : null;
}

function saveDemoCard(state) {
  mkdirSync(dirname(cardFile()), { recursive: true });
  writeFileSync(cardFile(), JSON.stringify(state, null, 2), { mode: 0o600 });
}

/** The next tap of the demo card: `{ p, c }`, its counter one higher (and saved, so no tap repeats). */
function tapDemoCard() {
  const state = loadDemoCard();
  if (!state) throw new Error('no demo secure card: run `npm run demo` first');
  const card = softwareCard(state);
  const sun = card.tap();
  saveDemoCard({ ...state, counter: card.counter });
  return sun;
}

module.exports = { loadDemoCard, saveDemoCard, tapDemoCard };

if (require.main === module) {
  try {
    // With `<amount> <merchantId> <terminalId>`, the whole process-async body.
    const [amount, merchantId, terminalId] = process.argv.slice(2);
    console.log(JSON.stringify({ sun: tapDemoCard(), ...(amount && { amount: Number(amount), merchantId, terminalId }) }));
  } catch (error) {
    console.error(`card simulator: ${error.message}`);
    process.exit(1);
  }
}
