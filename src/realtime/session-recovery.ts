import type { Redis } from 'ioredis';
import type { Namespace, Socket } from 'socket.io';
import type { Session } from 'socket.io-adapter';
import type { Principal } from '../common/auth/principal';

/** What `persistSession` takes: a session without the packets it missed. */
export type KeptSession = Omit<Session, 'missedPackets'>;

interface SessionStore {
  restoreSession(pid: string, offset: string): Promise<Session>;
  persistSession(session: KeptSession): void;
}

type AdapterFactory = (nsp: Namespace) => SessionStore;

/**
 * Connection state recovery bound to the principal who owned the session.
 *
 * socket.io restores a session (joins its rooms and writes its missed packets to the wire) while
 * it creates the socket, before any middleware has run: whoever presents a session id and offset
 * would get the owner's missed events, authenticated or not. So the adapter answers socket.io's
 * own restore with "nothing to restore", and the gateway restores through this class after the
 * handshake is authenticated, only when the token's principal is the session's.
 */
export class PrincipalBoundRecovery {
  private readonly stores = new Map<string, SessionStore>();

  /** `redis` and `sessionKeyPrefix` are the adapter's, for dropping a session kept while connected. */
  constructor(
    private readonly redis: Redis,
    private readonly sessionKeyPrefix: string,
  ) {}

  /** The adapter factory to give socket.io: the same adapter, minus the pre-authentication restore. */
  wrap(factory: AdapterFactory): AdapterFactory {
    const stores = this.stores;
    // socket.io calls the factory with `new`, so it must be a function, not an arrow.
    return function adapterFor(nsp: Namespace) {
      const adapter = factory(nsp);
      stores.set(nsp.name, { restoreSession: adapter.restoreSession.bind(adapter), persistSession: adapter.persistSession.bind(adapter) });
      adapter.restoreSession = () => Promise.reject(new Error('restored after authentication'));
      return adapter;
    };
  }

  /**
   * Restores the session the handshake asks for (`auth.pid`, `auth.offset`) if it belongs to
   * `principal`: the socket takes over its private id and rooms, and the packets it missed are
   * returned for the gateway to send once connected. Someone else's session is put back untouched
   * for its owner, and this socket starts fresh. Call only after authentication.
   */
  async restoreFor(socket: Socket, principal: Principal): Promise<unknown[][] | undefined> {
    const { pid, offset } = (socket.handshake.auth ?? {}) as { pid?: unknown; offset?: unknown };
    const store = this.stores.get(socket.nsp.name);
    if (!store || typeof pid !== 'string' || typeof offset !== 'string') return undefined;
    const session = await store.restoreSession(pid, offset).catch(() => undefined);
    if (!session) return undefined;
    const { missedPackets, ...kept } = session;
    const owner = (session.data as { principal?: Principal } | undefined)?.principal;
    if (!owner || !samePrincipal(owner, principal)) {
      store.persistSession(kept);
      return undefined;
    }
    // `pid` is what the client compares to decide it was recovered; the socket keeps its new id.
    Object.assign(socket, { pid: session.pid, recovered: true });
    await socket.join(session.rooms.filter((room) => room !== session.sid));
    return missedPackets;
  }

  /**
   * socket.io keeps a session only when its socket drops, which a killed instance never gets to
   * do; keeping it while connected lets a client whose instance died recover on another one.
   */
  keep(socket: Socket): void {
    const pid = (socket as unknown as { pid?: string }).pid;
    if (!pid || !socket.connected) return;
    this.stores.get(socket.nsp.name)?.persistSession({ sid: socket.id, pid, rooms: [...socket.rooms], data: socket.data });
  }

  /** A socket that left on purpose (or was sent away) must not be recoverable from what `keep` stored. */
  forget(socket: Socket): void {
    const pid = (socket as unknown as { pid?: string }).pid;
    if (pid) this.redis.del(`${this.sessionKeyPrefix}${pid}`).catch(() => undefined);
  }
}

export function samePrincipal(a: Principal, b: Principal): boolean {
  return a.id === b.id && a.role === b.role && a.merchantId === b.merchantId;
}
