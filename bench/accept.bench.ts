import 'reflect-metadata';
import autocannon from 'autocannon';
import { randomUUID } from 'node:crypto';
import { newKeyPair, signatureHeaders } from '../test/support/signed-terminal';
import { startHttpBenchApp } from './bench-app';
import { runFleet } from './accept-fleet';

/**
 * `npm run bench:accept`: the fleet run (see accept-fleet.ts). `npm run bench:accept -- --single`:
 * POST /api/payment/process-async at a fixed rate against the real app
 * (API only, so settlement does not share the machine), next to GET /api/auth/me — a bare
 * authenticated route — in the same run; then the same accept by a terminal with a bearer token and
 * by a paired terminal signing each request (RFC 9421, Ed25519; the bench signs too, on the same
 * machine). Prints throughput and latency; compare them.
 */
const RATE = Number(process.env.BENCH_RATE ?? 500);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const HOLDERS = 50;
const CARDS_PER_HOLDER = 20;
const ADMIN = { email: 'bench-admin@nfcpay.local', password: 'bench-admin-password' };

async function main(): Promise<void> {
  const { url, stop } = await startHttpBenchApp({ WORKERS_ENABLED: 'false', ADMIN_EMAIL: ADMIN.email, ADMIN_PASSWORD: ADMIN.password });
  const world = await seed(url);
  console.log(`seeded ${world.cards.length} cards of ${HOLDERS} cardholders; ${RATE} requests/s for ${SECONDS} s each\n`);

  let next = 0;
  const accept = await run(url, {
    method: 'POST',
    path: '/api/payment/process-async',
    setupRequest: (request: Record<string, unknown>) => {
      const card = world.cards[next++ % world.cards.length];
      return {
        ...request,
        headers: { 'content-type': 'application/json', authorization: `Bearer ${card.token}`, 'idempotency-key': randomUUID() },
        body: JSON.stringify({ cardUuid: card.cardUuid, amount: 1_000 + (next % 5_000), merchantId: world.merchantId, terminalId: world.terminalId }),
      };
    },
  });
  const bare = await run(url, { method: 'GET', path: '/api/auth/me', headers: { authorization: `Bearer ${world.cards[0].token}` } });
  const tapBy = (terminalId: string, authorize: (body: string) => Record<string, string>) => (request: Record<string, unknown>) => {
    const card = world.cards[next++ % world.cards.length];
    const body = JSON.stringify({ cardUuid: card.cardUuid, amount: 1_000 + (next % 5_000), merchantId: world.merchantId, terminalId });
    return { ...request, headers: { 'content-type': 'application/json', 'idempotency-key': randomUUID(), ...authorize(body) }, body };
  };
  const byBearer = await run(url, { method: 'POST', path: '/api/payment/process-async', setupRequest: tapBy(world.terminalId, () => ({ authorization: `Bearer ${world.terminalToken}` })) });
  const device = world.device;
  const bySignature = await run(url, { method: 'POST', path: '/api/payment/process-async', setupRequest: tapBy(device.terminalId, (body) => signatureHeaders(device, 'POST', '/api/payment/process-async', body)) });

  console.log('route                              req/s   p50      p99      non-2xx');
  const rows = [
    ['POST /api/payment/process-async', accept],
    ['GET /api/auth/me (bare, authed)', bare],
    ['accept, terminal bearer token', byBearer],
    ['accept, terminal signed (RFC 9421)', bySignature],
  ] as const;
  for (const [name, result] of rows) {
    console.log(
      `${name.padEnd(34)} ${result.requests.average.toFixed(0).padStart(5)}   ${`${result.latency.p50} ms`.padEnd(8)} ${`${result.latency.p99} ms`.padEnd(8)} ${result.non2xx}`,
    );
  }
  await stop();
}

function run(url: string, request: Record<string, unknown>): Promise<autocannon.Result> {
  return autocannon({ url, connections: 64, duration: SECONDS, overallRate: RATE, requests: [request as autocannon.Request] });
}

async function seed(url: string) {
  const post = async (path: string, body: unknown, token?: string) => {
    const res = await fetch(`${url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...(token && { authorization: `Bearer ${token}` }) }, body: JSON.stringify(body) });
    const json = (await res.json()) as Record<string, any>;
    if (res.status >= 300) throw new Error(`${path}: ${res.status} ${JSON.stringify(json)}`);
    return json;
  };
  const admin = (await post('/api/auth/login', ADMIN)).accessToken as string;
  // The bench taps each card every few seconds: turn off the cadence rules that would (rightly) block that.
  const off = { enabled: false };
  await fetch(`${url}/api/fraud/rules`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${admin}` },
    body: JSON.stringify({ rules: { velocity: off, amountAnomaly: off, hopping: off, cardTesting: off } }),
  });
  const merchantId = `BENCH_${randomUUID().slice(0, 8)}`;
  await post('/api/merchants', { merchantId, name: 'Bench Cafe', walletAddress: `0x${randomUUID().replace(/-/g, '')}${randomUUID().replace(/-/g, '')}` }, admin);
  const terminalId = `bench-terminal-${randomUUID().slice(0, 8)}`;
  const { terminalSecret } = await post(`/api/merchants/${merchantId}/terminals`, { terminalId }, admin);
  const terminalToken = (await post('/api/auth/terminal/token', { terminalId, terminalSecret })).accessToken as string;
  const { code } = await post(`/api/merchants/${merchantId}/pairing-codes`, {}, admin);
  const keys = newKeyPair();
  const paired = await post('/api/terminals/pair', { code, publicKey: keys.publicKey });
  const device = { ...keys, terminalId: paired.terminalId as string };
  const cards: { cardUuid: string; token: string }[] = [];
  for (let h = 0; h < HOLDERS; h++) {
    const credentials = { email: `bench-${h}-${randomUUID().slice(0, 6)}@example.com`, password: 'bench-password' };
    await post('/api/auth/register', { ...credentials, fullName: `Bench ${h}` });
    const holder = await post('/api/auth/login', credentials);
    for (let c = 0; c < CARDS_PER_HOLDER; c++) {
      const cardUuid = `bench-${h}-${c}-${randomUUID().slice(0, 6)}`;
      await post('/api/cards', { cardUuid }, holder.accessToken);
      cards.push({ cardUuid, token: holder.accessToken });
    }
  }
  return { merchantId, terminalId, terminalToken, device, cards };
}

(process.argv.includes('--single') ? main() : runFleet()).catch((error) => {
  console.error(error);
  process.exit(1);
});
