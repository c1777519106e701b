import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { LookupFunction } from 'node:net';

export interface PostResult {
  ok: boolean;
  statusCode?: number;
  latencyMs: number;
  error?: string;
}

export interface PostOptions {
  headers: Record<string, string>;
  timeoutMs: number;
  /** Resolves (and may refuse) the host; the socket connects to the address it returns. */
  lookup?: LookupFunction;
}

const MAX_RESPONSE_BYTES = 4 * 1024;

/**
 * POSTs a body and reports how it went; never throws. Redirects are not followed (a 3xx is a
 * failure: a receiver must not bounce us to another host), the whole exchange is bounded by
 * `timeoutMs`, and at most a few KB of the answer are read.
 */
export function postJson(url: string, body: string, options: PostOptions): Promise<PostResult> {
  const started = performance.now();
  const latency = () => Math.round(performance.now() - started);
  return new Promise((resolve) => {
    let settled = false;
    const finish = (result: Omit<PostResult, 'latencyMs'>) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve({ ...result, latencyMs: latency() });
    };
    let target: URL;
    try {
      target = new URL(url);
    } catch {
      return finish({ ok: false, error: 'invalid URL' });
    }
    const send = target.protocol === 'https:' ? httpsRequest : httpRequest;
    const req = send(target, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'Content-Length': String(Buffer.byteLength(body)), ...options.headers },
      ...(options.lookup && { lookup: options.lookup }),
      agent: false,
    });
    const timer = setTimeout(() => {
      finish({ ok: false, error: `timed out after ${options.timeoutMs} ms` });
      req.destroy();
    }, options.timeoutMs);
    req.on('response', (res) => {
      let received = 0;
      res.on('data', (chunk: Buffer) => {
        received += chunk.length;
        if (received > MAX_RESPONSE_BYTES) res.destroy();
      });
      const done = () => {
        const statusCode = res.statusCode ?? 0;
        finish({ ok: statusCode >= 200 && statusCode < 300, statusCode, ...(!(statusCode >= 200 && statusCode < 300) && { error: `HTTP ${statusCode}` }) });
      };
      res.on('end', done);
      res.on('close', done);
      res.on('error', done);
    });
    req.on('error', (error: Error & { code?: string }) => finish({ ok: false, error: error.message || error.code || 'connection failed' }));
    req.end(body);
  });
}
