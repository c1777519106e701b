#!/usr/bin/env node
// The seed tutorial's Task 3.1 script, made to work with this API: run `npm start`, then
// `npm run test:async-payment` (BASE_URL to point elsewhere). It seeds the demo data itself, so
// no token needs pasting, and exits non-zero unless the payment completes.
const { randomUUID } = require('node:crypto');
const { io } = require('socket.io-client');
const { seedDemo, DEMO, fraudNote } = require('./demo');
const { tapDemoCard } = require('./card-simulator');

const MAX_WAIT_MS = 60_000;

async function api(baseUrl, method, path, token, body, extraHeaders = {}) {
  const res = await fetch(`${baseUrl}${path}`, {
    method,
    headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json', ...extraHeaders },
    body: body && JSON.stringify(body),
  });
  return { status: res.status, data: await res.json() };
}

/** The final socket event, or nothing after `ms`; the timer is cleared either way so the process can exit at once. */
async function settledWithin(settled, ms) {
  let timer;
  const timeout = new Promise((resolve) => (timer = setTimeout(resolve, ms)));
  try {
    return await Promise.race([settled, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

async function testAsyncPaymentSystem() {
  console.log('🧪 Testing Complete Async NFC Payment System...\n');
  const seeded = await seedDemo();
  const { baseUrl } = seeded;

  console.log('🔌 Step 1: Testing WebSocket Connection');
  const socket = io(baseUrl, { path: '/nfc-ws', auth: { token: seeded.holderToken }, transports: ['websocket'] });
  try {
    await runWithSocket(seeded, socket);
  } finally {
    socket.disconnect();
  }
}

async function runWithSocket(seeded, socket) {
  const { baseUrl } = seeded;
  const welcome = await new Promise((resolve, reject) => {
    socket.once('connected', resolve);
    socket.once('connect_error', (error) => reject(new Error(`WebSocket connection failed: ${error.message}`)));
  });
  console.log('✅ WebSocket connected successfully');
  console.log(`✅ WebSocket welcome message: ${welcome.message}`);

  console.log('\n💳 Step 2: Testing Async Payment Processing');
  // With the demo's secure card, a tap from the card simulator (the card proves itself); else the seed's cardUuid.
  const card = seeded.secureCard ? { sun: tapDemoCard() } : { cardUuid: DEMO.cardUuid };
  const paymentData = { ...card, amount: 75000, merchantId: DEMO.merchantId, terminalId: DEMO.terminalId };
  console.log(`📤 Initiating async payment: ${paymentData.amount} VND ${seeded.secureCard ? `with a SUN tap of ${seeded.secureCard.cardUuid}` : `with card ${DEMO.cardUuid}`}`);
  const paymentStart = Date.now();
  const payment = await api(baseUrl, 'POST', '/api/payment/process-async', seeded.terminalToken, paymentData, { 'Idempotency-Key': randomUUID() });
  const paymentTime = Date.now() - paymentStart;
  if (payment.data.declineCode === 'fraud_high_risk') console.log(fraudNote(baseUrl));
  if (payment.status !== 202) throw new Error(`payment not accepted: ${payment.status} ${JSON.stringify(payment.data)}`);
  const { transactionId } = payment.data;
  console.log(`✅ Async payment initiated in: ${paymentTime}ms`);
  console.log(`📋 Transaction ID: ${transactionId}`);
  console.log(`⏱️ Estimated processing: ${payment.data.estimatedProcessingTime}`);

  console.log('\n📡 Step 3: Subscribing to WebSocket Events');
  let finalEvent;
  socket.on('transaction:update', (data) => console.log(`📊 Transaction update: ${data.status}`));
  const settled = new Promise((resolve) => {
    socket.on('transaction:completed', (data) => resolve((finalEvent = { kind: 'completed', data })));
    socket.on('transaction:failed', (data) => resolve((finalEvent = { kind: 'failed', data })));
  });
  const ack = await socket.timeout(5_000).emitWithAck('subscribe:transaction', transactionId);
  if (!ack.success) throw new Error(`subscription refused: ${JSON.stringify(ack)}`);
  console.log(`✅ Subscribed to transaction: ${transactionId}`);

  console.log('\n🔍 Step 4: Monitoring Transaction Status');
  let currentStatus = 'pending';
  const deadline = Date.now() + MAX_WAIT_MS;
  while (Date.now() < deadline) {
    const { data } = await api(baseUrl, 'GET', `/api/payment/status/${transactionId}`, seeded.terminalToken);
    if (data.transaction.status !== currentStatus) {
      console.log(`📊 Status changed: ${currentStatus} → ${data.transaction.status}`);
      currentStatus = data.transaction.status;
    }
    if (['completed', 'failed'].includes(currentStatus)) {
      console.log(`   TX Hash: ${data.transaction.txHash}`);
      console.log(`   Processing time: ${data.transaction.processingTime}`);
      break;
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  await settledWithin(settled, 5_000);
  if (finalEvent?.kind === 'completed') {
    console.log('🎉 Transaction completed!');
    console.log(`   Transaction ID: ${finalEvent.data.transactionId}`);
    console.log(`   TX Hash: ${finalEvent.data.txHash}`);
    console.log(`   Explorer: ${finalEvent.data.explorerUrl ?? '(local ledger: no public explorer)'}`);
  }

  console.log('\n⚡ Step 5: Testing Queue Status');
  const queues = await api(baseUrl, 'GET', '/api/payment/queue-status', seeded.adminToken);
  for (const [name, stats] of Object.entries(queues.data.queues)) console.log(`   ${name}: ${stats.status} (Active: ${stats.active}, Waiting: ${stats.waiting})`);

  console.log('\n🔌 Step 6: Testing WebSocket Status');
  const ws = await api(baseUrl, 'GET', '/api/payment/ws-status', seeded.adminToken);
  console.log(`   Status: ${ws.data.websocket.status}`);
  console.log(`   Connections: ${ws.data.websocket.totalConnections}`);
  console.log(`   Unique users: ${ws.data.websocket.uniqueUsers}`);

  console.log('\n📈 Step 7: Performance Summary');
  console.log(`✅ Initial response time: ${paymentTime}ms`);
  console.log(`✅ WebSocket events: ${finalEvent ? 'Received' : 'Not received'}`);
  if (currentStatus !== 'completed' || finalEvent?.kind !== 'completed') throw new Error(`payment ended ${currentStatus}; socket saw ${finalEvent?.kind ?? 'nothing'}`);
  console.log('🎉 SUCCESS: Complete async payment flow working!');
}

testAsyncPaymentSystem().catch((error) => {
  console.error(`❌ Test failed: ${error.message}`);
  process.exit(1);
});
