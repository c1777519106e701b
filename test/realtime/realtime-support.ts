import { createHmac } from 'node:crypto';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { io, type Socket } from 'socket.io-client';
import { authConfig, type AuthConfig } from '../../src/config/app.config';
import { SOCKET_PATH } from '../../src/realtime/realtime.constants';
import { createTestApp, type TestAppOptions } from '../support/test-app';

/** The real app (createTestApp), which serves the gateway once it listens. */
export function createRealtimeApp(options: TestAppOptions = {}): Promise<NestExpressApplication> {
  return createTestApp(options);
}

/** Listens on a free port; the socket URL. */
export async function listen(app: NestExpressApplication): Promise<string> {
  await app.listen(0, '127.0.0.1');
  return (await app.getUrl()).replace('[::1]', '127.0.0.1');
}

export interface ClientOptions {
  token?: string;
  header?: boolean;
  reconnection?: boolean;
  transports?: string[];
  /** The whole handshake `auth` object instead of `{ token }` (e.g. with a session's pid and offset). */
  auth?: Record<string, unknown>;
}

const opened: Socket[] = [];

export function client(url: string, options: ClientOptions = {}): Socket {
  const socket = io(url, {
    path: SOCKET_PATH,
    transports: options.transports ?? ['websocket'],
    forceNew: true,
    reconnection: options.reconnection ?? false,
    reconnectionDelay: 200,
    reconnectionDelayMax: 400,
    ...(options.token && !options.header && { auth: { token: options.token } }),
    ...(options.token && options.header && { extraHeaders: { Authorization: `Bearer ${options.token}` } }),
    ...(options.auth && { auth: options.auth }),
  });
  opened.push(socket);
  return socket;
}

export function closeClients(): void {
  for (const socket of opened.splice(0)) socket.disconnect();
}

/** Connects and resolves with the `connected` greeting. */
export function connect(url: string, options: ClientOptions = {}): Promise<{ socket: Socket; greeting: Record<string, unknown> }> {
  const socket = client(url, options);
  return new Promise((resolve, reject) => {
    socket.once('connected', (greeting) => resolve({ socket, greeting }));
    socket.once('connect_error', (error) => reject(new Error(`connect_error: ${error.message}`)));
  });
}

/** The `connect_error` message a refused handshake gets. */
export function refusal(url: string, options: ClientOptions = {}): Promise<string> {
  const socket = client(url, options);
  return new Promise((resolve, reject) => {
    socket.once('connect_error', (error) => resolve(error.message));
    socket.once('connect', () => reject(new Error('connected, expected a refusal')));
  });
}

export function nextEvent<T = Record<string, unknown>>(socket: Socket, event: string, timeoutMs = 10_000, match: (payload: T) => boolean = () => true): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      socket.off(event, listener);
      reject(new Error(`no ${event} within ${timeoutMs} ms`));
    }, timeoutMs);
    const listener = (payload: T) => {
      if (!match(payload)) return;
      clearTimeout(timer);
      socket.off(event, listener);
      resolve(payload);
    };
    socket.on(event, listener);
  });
}

export function ack<T = Record<string, unknown>>(socket: Socket, event: string, ...args: unknown[]): Promise<T> {
  return socket.timeout(5_000).emitWithAck(event, ...args) as Promise<T>;
}

/** Every event a socket receives, for "received nothing" checks. */
export function record(socket: Socket): Array<{ event: string; payload: unknown }> {
  const seen: Array<{ event: string; payload: unknown }> = [];
  socket.onAny((event: string, payload: unknown) => seen.push({ event, payload }));
  return seen;
}

/** Every event packet that reached the client on the wire, delivered to the app or not (e.g. before a refused connect). */
export function recordWire(socket: Socket): unknown[][] {
  const seen: unknown[][] = [];
  socket.io.on('packet', (packet: { type: number; data?: unknown }) => {
    if (packet.type === 2 && Array.isArray(packet.data)) seen.push(packet.data);
  });
  return seen;
}

/** The private session id and last offset a client would present to recover its session. */
export function sessionOf(socket: Socket): { pid: string; offset: string } {
  const internals = socket as unknown as { _pid?: string; _lastOffset?: string };
  if (!internals._pid || !internals._lastOffset) throw new Error('no recoverable session on this socket');
  return { pid: internals._pid, offset: internals._lastOffset };
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** An HS256 JWT made by hand (expired, short-lived, or signed with another secret). */
export function handMadeToken(secret: string, claims: Record<string, unknown>): string {
  const encode = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const body = `${encode({ alg: 'HS256', typ: 'JWT' })}.${encode(claims)}`;
  return `${body}.${createHmac('sha256', secret).update(body).digest('base64url')}`;
}

export function jwtSecretOf(app: NestExpressApplication): string {
  return app.get<AuthConfig>(authConfig.KEY).jwtSecret;
}
