import { createHash, generateKeyPairSync, type KeyObject, randomBytes, sign } from 'node:crypto';
import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { bearer } from './session';

/** A device: an Ed25519 key pair, and (once paired) its terminalId. */
export interface Device {
  privateKey: KeyObject;
  publicKey: string;
  terminalId: string;
  merchantId: string;
}

export function newKeyPair(): { privateKey: KeyObject; publicKey: string } {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  // The raw 32 bytes are the JWK's x.
  return { privateKey, publicKey: Buffer.from(publicKey.export({ format: 'jwk' }).x!, 'base64url').toString('base64') };
}

export interface SignOptions {
  created?: number;
  nonce?: string;
  keyid?: string;
}

/** RFC 9421 headers for one request, as the README's client snippet makes them. */
export function signatureHeaders(device: Pick<Device, 'privateKey' | 'terminalId'>, method: string, path: string, body: string | undefined, options: SignOptions = {}): Record<string, string> {
  const headers: Record<string, string> = {};
  const components = ['"@method"', '"@path"'];
  const lines = [`"@method": ${method}`, `"@path": ${path}`];
  if (body !== undefined) {
    headers['Content-Digest'] = `sha-256=:${createHash('sha256').update(body).digest('base64')}:`;
    components.push('"content-digest"');
    lines.push(`"content-digest": ${headers['Content-Digest']}`);
  }
  const created = options.created ?? Math.floor(Date.now() / 1000);
  const nonce = options.nonce ?? randomBytes(16).toString('base64url');
  const params = `(${components.join(' ')});created=${created};nonce="${nonce}";keyid="${options.keyid ?? device.terminalId}";alg="ed25519"`;
  lines.push(`"@signature-params": ${params}`);
  headers['Signature-Input'] = `sig1=${params}`;
  headers.Signature = `sig1=:${sign(null, Buffer.from(lines.join('\n')), device.privateKey).toString('base64')}:`;
  return headers;
}

/** A signed POST (JSON body sent exactly as signed), or GET without a body. */
export function signed(app: INestApplication, device: Pick<Device, 'privateKey' | 'terminalId'>, method: 'GET' | 'POST', path: string, body?: unknown, options: SignOptions & { sendBody?: string; headers?: Record<string, string> } = {}) {
  const text = body === undefined ? undefined : JSON.stringify(body);
  const headers = { ...signatureHeaders(device, method, path.split('?')[0], text, options), ...options.headers };
  const server = request(app.getHttpServer());
  const call = method === 'GET' ? server.get(path) : server.post(path);
  call.set(headers);
  if (text !== undefined) call.set('Content-Type', 'application/json').send(options.sendBody ?? text);
  return call;
}

/** Creates a pairing code as the admin and pairs a new device with it. */
export async function pairDevice(app: INestApplication, adminToken: string, merchantId: string): Promise<Device> {
  const created = await request(app.getHttpServer()).post(`/api/merchants/${merchantId}/pairing-codes`).set(bearer(adminToken)).send({ label: 'Counter' });
  if (created.status !== 201) throw new Error(`pairing code failed: ${created.status} ${JSON.stringify(created.body)}`);
  const keys = newKeyPair();
  const paired = await request(app.getHttpServer()).post('/api/terminals/pair').send({ code: created.body.code, publicKey: keys.publicKey, deviceInfo: { model: 'test' } });
  if (paired.status !== 201) throw new Error(`pairing failed: ${paired.status} ${JSON.stringify(paired.body)}`);
  return { ...keys, terminalId: paired.body.terminalId, merchantId: paired.body.merchantId };
}
