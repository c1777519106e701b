import { Inject, Injectable, Logger } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import type Redis from 'ioredis';
import { Model } from 'mongoose';
import { authConfig, type AuthConfig } from '../config/app.config';
import { REDIS_CLIENT } from '../redis/redis.constants';
import { Terminal } from './schemas/terminal.schema';

const SEEN_TTL_SECONDS = 30 * 86_400;
/** MongoDB keeps lastSeenAt too (it outlives Redis), written at most this often per terminal. */
const PERSIST_EVERY_SECONDS = 600;
const seenKey = (terminalId: string) => `terminal:seen:${terminalId}`;
const persistedKey = (terminalId: string) => `terminal:seen-persisted:${terminalId}`;

export interface Heartbeat {
  appVersion?: string;
  offlineQueued?: number;
}

export interface Presence extends Heartbeat {
  lastSeenAt?: Date;
  presence: 'online' | 'offline';
}

/**
 * When each terminal was last heard from. A heartbeat is one Redis SET; MongoDB is written once
 * per terminal per PERSIST_EVERY_SECONDS (a Redis SET NX gates it), so heartbeats cost no scan.
 */
@Injectable()
export class TerminalPresence {
  private readonly logger = new Logger(TerminalPresence.name);

  constructor(
    @Inject(REDIS_CLIENT) private readonly redis: Redis,
    @InjectModel(Terminal.name) private readonly terminals: Model<Terminal>,
    @Inject(authConfig.KEY) private readonly config: AuthConfig,
  ) {}

  async record(terminalId: string, heartbeat: Heartbeat, at = new Date()): Promise<void> {
    await this.redis.set(seenKey(terminalId), JSON.stringify({ at: at.getTime(), ...heartbeat }), 'EX', SEEN_TTL_SECONDS);
    if ((await this.redis.set(persistedKey(terminalId), '1', 'EX', PERSIST_EVERY_SECONDS, 'NX')) !== 'OK') return;
    this.terminals.updateOne({ terminalId }, { $set: { lastSeenAt: at } }).exec().catch((error: Error) => {
      this.logger.warn(`could not store lastSeenAt of ${terminalId}: ${error.message}`);
    });
  }

  /** Online: heard from within TERMINAL_OFFLINE_AFTER_SECONDS. `stored` is MongoDB's lastSeenAt, for terminals Redis forgot. */
  async of(terminals: { terminalId: string; lastSeenAt?: Date }[], now = Date.now()): Promise<Map<string, Presence>> {
    const seen = terminals.length ? await this.redis.mget(terminals.map((terminal) => seenKey(terminal.terminalId))) : [];
    const presences = new Map<string, Presence>();
    terminals.forEach((terminal, index) => {
      const heartbeat = parseSeen(seen[index]);
      const lastSeenMs = Math.max(heartbeat?.at ?? 0, terminal.lastSeenAt?.getTime() ?? 0);
      const online = lastSeenMs > 0 && now - lastSeenMs <= this.config.terminalOfflineAfterSeconds * 1000;
      presences.set(terminal.terminalId, {
        presence: online ? 'online' : 'offline',
        ...(lastSeenMs > 0 && { lastSeenAt: new Date(lastSeenMs) }),
        ...(heartbeat?.appVersion !== undefined && { appVersion: heartbeat.appVersion }),
        ...(heartbeat?.offlineQueued !== undefined && { offlineQueued: heartbeat.offlineQueued }),
      });
    });
    return presences;
  }
}

function parseSeen(value: string | null | undefined): (Heartbeat & { at: number }) | undefined {
  if (!value) return undefined;
  try {
    return JSON.parse(value) as Heartbeat & { at: number };
  } catch {
    return undefined;
  }
}
