import { Logger } from '@nestjs/common';
import type { Server, Socket } from 'socket.io';
import type { Principal } from '../common/auth/principal';
import type { PaymentEvent } from '../payments/payment.events';
import type { CardAccess, TransactionLookup, TransactionView } from './realtime.ports';
import { RealtimeService } from './realtime.service';

const user: Principal = { id: 'u1', role: 'user' };
const terminal: Principal = { id: 't1', role: 'terminal', merchantId: 'M1' };

function fakeSocket(principal: Principal) {
  const emitted: Array<[string, unknown]> = [];
  const socket = {
    id: 'sid',
    connected: true,
    recovered: false,
    rooms: new Set<string>(['sid']),
    data: { principal },
    join: jest.fn(async (room: string | string[]) => [room].flat().forEach((r) => socket.rooms.add(r))),
    leave: jest.fn(async (room: string) => void socket.rooms.delete(room)),
    emit: jest.fn((event: string, payload: unknown) => emitted.push([event, payload])),
  };
  return { socket: socket as unknown as Socket & { rooms: Set<string> }, emitted };
}

function fakeServer() {
  const sent: Array<{ rooms: string[]; event: string; payload: Record<string, unknown>; local?: boolean }> = [];
  const to = (rooms: string | string[]) => ({ emit: (event: string, payload: Record<string, unknown>) => sent.push({ rooms: [rooms].flat(), event, payload }) });
  const server = {
    to,
    emit: (event: string, payload: Record<string, unknown>) => sent.push({ rooms: [], event, payload }),
    local: { emit: (event: string, payload: Record<string, unknown>) => sent.push({ rooms: [], event, payload, local: true }) },
  };
  return { server: server as unknown as Server, sent };
}

const tx = (over: Partial<TransactionView> = {}): TransactionView => ({
  transactionId: 'nfc_1',
  status: 'processing',
  cardUuid: 'card-1',
  userId: 'u1',
  merchantId: 'M1',
  terminalId: 't1',
  amount: 75_000,
  currency: 'VND',
  ...over,
});

describe('RealtimeService', () => {
  beforeAll(() => Logger.overrideLogger(false));
  let cards: jest.Mocked<CardAccess>;
  let payments: jest.Mocked<TransactionLookup>;
  let service: RealtimeService;
  let sent: ReturnType<typeof fakeServer>['sent'];

  beforeEach(() => {
    cards = { isVisibleTo: jest.fn() };
    payments = { visibleTransaction: jest.fn() };
    service = new RealtimeService(cards, payments);
    const fake = fakeServer();
    sent = fake.sent;
    service.attach(fake.server);
  });

  it('puts users in user:<id> and terminals in merchant:<id>, and greets through the adapter', async () => {
    const a = fakeSocket(user);
    await service.welcome(a.socket);
    expect(a.socket.rooms.has('user:u1')).toBe(true);
    const t = fakeSocket(terminal);
    await service.welcome(t.socket);
    expect(t.socket.rooms.has('merchant:M1')).toBe(true);
    expect(sent[0]).toMatchObject({ rooms: ['sid'], event: 'connected', payload: { message: 'Connected to NFC Payment WebSocket', userId: 'u1' } });
  });

  it('refuses a foreign or unknown transaction alike, and joins nothing', async () => {
    payments.visibleTransaction.mockResolvedValue(null);
    const { socket } = fakeSocket(user);
    const answer = await service.subscribeTransaction(socket, 'nfc_x');
    expect(answer).toEqual({ success: false, error: { event: 'subscribe:transaction', reason: 'Not found or not permitted' } });
    expect(socket.join).not.toHaveBeenCalled();
  });

  it('answers a subscription to a final transaction with its final event', async () => {
    payments.visibleTransaction.mockResolvedValue(tx({ status: 'completed', txHash: '0xabc', completedAt: new Date(0) }));
    const { socket, emitted } = fakeSocket(user);
    expect(await service.subscribeTransaction(socket, 'nfc_1')).toEqual({ success: true, room: 'transaction:nfc_1', status: 'completed' });
    expect(emitted).toEqual([['transaction:completed', expect.objectContaining({ transactionId: 'nfc_1', status: 'completed', txHash: '0xabc', amount: 75_000 })]]);
    expect(payments.visibleTransaction).toHaveBeenCalledTimes(1);
  });

  it('reads the status again after joining, so a payment finishing meanwhile is not missed', async () => {
    payments.visibleTransaction.mockResolvedValueOnce(tx()).mockResolvedValueOnce(tx({ status: 'failed', failureReason: 'Insufficient balance' }));
    const { socket, emitted } = fakeSocket(user);
    await service.subscribeTransaction(socket, 'nfc_1');
    expect(emitted).toEqual([['transaction:failed', expect.objectContaining({ status: 'failed', reason: 'Insufficient balance' })]]);
  });

  it('answers "temporarily unavailable" when the lookup fails', async () => {
    payments.visibleTransaction.mockRejectedValue(new Error('db down'));
    const { socket } = fakeSocket(user);
    expect(await service.subscribeTransaction(socket, 'nfc_1')).toEqual({ success: false, error: { event: 'subscribe:transaction', reason: expect.stringMatching(/unavailable/) } });
  });

  it('caps subscriptions per socket', async () => {
    cards.isVisibleTo.mockResolvedValue(true);
    const { socket } = fakeSocket(user);
    for (let i = 0; i < 200; i++) socket.rooms.add(`card:c${i}`);
    expect(await service.subscribeCard(socket, 'card-x')).toMatchObject({ success: false, error: { reason: 'Too many subscriptions' } });
  });

  it('sends payment events to the transaction, cardholder, merchant and admin rooms', () => {
    const event = { ...tx({ status: 'completed', txHash: '0xabc' }), createdAt: new Date(), completedAt: new Date(), at: new Date() } as PaymentEvent;
    service.paymentFinished(event);
    service.paymentUpdated({ ...event, status: 'processing' });
    service.paymentFinished({ ...event, status: 'cancelled' });
    expect(sent.map((s) => [s.event, s.rooms, s.payload.status])).toEqual([
      ['transaction:completed', ['transaction:nfc_1', 'merchant:M1', 'user:u1', 'role:admin'], 'completed'],
      ['transaction:update', ['transaction:nfc_1', 'merchant:M1', 'user:u1', 'role:admin'], 'processing'],
      ['transaction:failed', ['transaction:nfc_1', 'merchant:M1', 'user:u1', 'role:admin'], 'cancelled'],
    ]);
  });

  it('sends balance:update to the payer, with the amount spent when no wallet lookup is bound', async () => {
    const event = { ...tx({ status: 'completed', txHash: '0xabc', amountMist: '75000000' }), createdAt: new Date(), at: new Date() } as PaymentEvent;
    await service.balanceChanged(event);
    expect(sent[0]).toMatchObject({ rooms: ['user:u1'], event: 'balance:update', payload: { balance: { lastTransaction: { amount: -75_000, amountMist: '-75000000', txHash: '0xabc' } } } });
  });

  it('sends system:shutdown to this instance only, and alerts to all or to admins', async () => {
    service.systemAlert({ message: 'hello', audience: 'all' });
    service.systemAlert({ message: 'queue backlog', level: 'warning', audience: 'admins' });
    await service.notifyShutdown();
    expect(sent).toEqual([
      { rooms: [], event: 'system:alert', payload: expect.objectContaining({ message: 'hello', level: 'info' }) },
      { rooms: ['role:admin'], event: 'system:alert', payload: expect.objectContaining({ level: 'warning' }) },
      { rooms: [], event: 'system:shutdown', payload: expect.objectContaining({ message: 'Server is shutting down' }), local: true },
    ]);
  });

  it('says inactive when no socket server is attached (e.g. before init)', async () => {
    service.detach();
    expect(await service.status()).toMatchObject({ status: 'inactive', totalConnections: 0 });
  });
});
