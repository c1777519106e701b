import { randomBytes } from 'node:crypto';
import { Logger } from '@nestjs/common';
import { RedisAdapter, type RedisAdapterOptions } from '@socket.io/redis-adapter';
import type { Redis } from 'ioredis';
import type { BroadcastOptions, Session } from 'socket.io-adapter';
import type { Namespace } from 'socket.io';

const logger = new Logger('RealtimeRecovery');
const EVENT_PACKET = 2;

/** Stops reading the backlog after this many entries: the session is then not recoverable. */
const MAX_BACKLOG_SCAN = 20_000;
const SCAN_CHUNK = 1_000;

interface StoredPacket {
  rooms: string[];
  except: string[];
  data: unknown[];
}

interface StoredSession {
  sid: string;
  pid: string;
  rooms: string[];
  data: unknown;
}

// KEYS: stream, offset key. ARGV: min id to keep, packet, ttl ms.
const APPEND_SCRIPT = `
local id = redis.call('XADD', KEYS[1], 'MINID', '~', ARGV[1], '*', 'p', ARGV[2])
redis.call('SET', KEYS[2], id, 'PX', ARGV[3])
redis.call('PEXPIRE', KEYS[1], ARGV[3] * 2)
return id`;

/**
 * Where missed packets and disconnected sessions are kept, shared by every instance: a Redis
 * stream of broadcast packets (trimmed to `maxDisconnectionDuration`), an offset → entry index,
 * and one key per disconnected session. `redis` is the app's shared client; its keyPrefix keeps
 * deployments (and test files) apart.
 */
export class RedisRecoveryStore {
  private readonly stream: string;

  constructor(
    private readonly redis: Redis,
    private readonly maxDisconnectionDurationMs: number,
    namespace: string,
  ) {
    this.stream = `sio:recovery:${namespace}:packets`;
  }

  get sessionTtlMs(): number {
    return this.maxDisconnectionDurationMs;
  }

  append(offset: string, packet: StoredPacket): void {
    const minId = `${Date.now() - this.maxDisconnectionDurationMs}-0`;
    this.redis
      .eval(APPEND_SCRIPT, 2, this.stream, this.offsetKey(offset), minId, JSON.stringify(packet), this.maxDisconnectionDurationMs)
      .catch((error: Error) => logger.warn(`Could not keep a packet for recovery: ${error.message}`));
  }

  persistSession(session: StoredSession): void {
    this.redis
      .set(this.sessionKey(session.pid), JSON.stringify(session), 'PX', this.maxDisconnectionDurationMs)
      .catch((error: Error) => logger.warn(`Could not keep a session for recovery: ${error.message}`));
  }

  /** The session and the packets it missed after `offset`, or null (unknown, expired or too far behind). Single use. */
  async restoreSession(pid: string, offset: string): Promise<Session | null> {
    const [raw, entryId] = await Promise.all([this.redis.getdel(this.sessionKey(pid)), this.redis.get(this.offsetKey(offset))]);
    if (!raw || !entryId) return null;
    const session = JSON.parse(raw) as StoredSession;
    const missedPackets: unknown[][] = [];
    let start = `(${entryId}`;
    for (let scanned = 0; ; ) {
      const entries = await this.redis.xrange(this.stream, start, '+', 'COUNT', SCAN_CHUNK);
      for (const [id, fields] of entries) {
        const packet = JSON.parse(fields[1]) as StoredPacket;
        if (reaches(packet, session.rooms)) missedPackets.push(packet.data);
        start = `(${id}`;
      }
      scanned += entries.length;
      if (entries.length < SCAN_CHUNK) break;
      if (scanned >= MAX_BACKLOG_SCAN) return null;
    }
    return { ...session, missedPackets };
  }

  private offsetKey(offset: string): string {
    return `sio:recovery:offset:${offset}`;
  }

  private sessionKey(pid: string): string {
    return `sio:recovery:session:${pid}`;
  }
}

function reaches(packet: StoredPacket, sessionRooms: string[]): boolean {
  const included = packet.rooms.length === 0 || sessionRooms.some((room) => packet.rooms.includes(room));
  return included && sessionRooms.every((room) => !packet.except.includes(room));
}

/**
 * `@socket.io/redis-adapter` (Redis pub/sub between instances) plus connection state recovery,
 * which the pub/sub adapter lacks: every broadcast gets an offset (appended to its data, as
 * socket.io's in-memory SessionAwareAdapter does) *before* it is published, so all instances
 * deliver the same offset, and the packet is kept in a Redis stream; a dropped socket's session is
 * kept in Redis too, so it is restored on whichever instance the client reconnects to.
 * Local-only, volatile and acknowledged broadcasts are not kept, as in socket.io itself.
 */
export class RecoverableRedisAdapter extends RedisAdapter {
  private readonly offsetPrefix = randomBytes(6).toString('base64url');
  private sequence = 0;
  private readonly refresh: NodeJS.Timeout | undefined;

  constructor(
    nsp: Namespace,
    pubClient: Redis,
    subClient: Redis,
    options: Partial<RedisAdapterOptions>,
    private readonly store: RedisRecoveryStore | undefined,
  ) {
    super(nsp, pubClient, subClient, options);
    if (store) this.refresh = setInterval(() => this.keepSessions(), store.sessionTtlMs / 2).unref();
  }

  /**
   * socket.io keeps a session only when its socket disconnects, which a killed instance never gets
   * to do. So sessions are kept from every join on, and refreshed while connected: a client whose
   * instance died reconnects elsewhere and still gets what it missed.
   */
  override addAll(id: string, rooms: Set<string>): void {
    super.addAll(id, rooms);
    this.keepSession(id);
  }

  override close(): ReturnType<RedisAdapter['close']> {
    clearInterval(this.refresh);
    return super.close();
  }

  private keepSessions(): void {
    for (const id of this.nsp.sockets.keys()) this.keepSession(id);
  }

  private keepSession(id: string): void {
    const socket = this.nsp.sockets.get(id) as { pid?: string; data: unknown } | undefined;
    if (!this.store || !socket?.pid) return;
    this.store.persistSession({ sid: id, pid: socket.pid, rooms: [...(this.sids.get(id) ?? [])], data: socket.data });
  }

  override broadcast(packet: { type: number; id?: number; data: unknown[] }, opts: BroadcastOptions): void {
    const flags = opts.flags ?? {};
    if (this.store && packet.type === EVENT_PACKET && packet.id === undefined && !flags.volatile && !flags.local) {
      const offset = `${this.offsetPrefix}.${(this.sequence++).toString(36)}`;
      packet.data.push(offset);
      this.store.append(offset, { rooms: [...opts.rooms], except: [...(opts.except ?? [])], data: packet.data });
    }
    super.broadcast(packet, opts);
  }

  override persistSession(session: StoredSession): void {
    this.store?.persistSession(session);
  }

  // socket.io-adapter types this Promise<Session>, but null ("not recoverable") is what it expects.
  override restoreSession(pid: string, offset: string): Promise<Session> {
    return (this.store ? this.store.restoreSession(pid, offset) : Promise.resolve(null)) as Promise<Session>;
  }
}

export function createRecoverableRedisAdapter(
  pubClient: Redis,
  subClient: Redis,
  options: Partial<RedisAdapterOptions>,
  recovery: { redis: Redis; maxDisconnectionDurationMs: number } | undefined,
) {
  // socket.io calls this with `new`, so it must be a function, not an arrow.
  return function adapterFor(nsp: Namespace) {
    return new RecoverableRedisAdapter(nsp, pubClient, subClient, options, recovery && new RedisRecoveryStore(recovery.redis, recovery.maxDisconnectionDurationMs, nsp.name));
  };
}
