import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * Whether a database command was sent while answering an HTTP request (and what it started) or
 * by background work (settlement jobs, sweeps, schedules): lets MONGODB_MONITOR_COMMANDS count
 * the commands of an accepted payment apart from those of its settlement.
 */
export type CommandOrigin = 'request' | 'background';

const origin = new AsyncLocalStorage<CommandOrigin>();

export function runAsRequest<T>(work: () => T): T {
  return origin.run('request', work);
}

export function commandOrigin(): CommandOrigin {
  return origin.getStore() ?? 'background';
}
