import { createHash, timingSafeEqual, type KeyObject } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type { Request } from 'express';
import type Redis from 'ioredis';
import type { Principal } from '../../common/auth/principal';
import { MerchantsService } from '../../merchants/merchants.service';
import { REDIS_CLIENT } from '../../redis/redis.constants';
import {
  type CoveredComponent,
  ed25519PublicKey,
  parameterOf,
  parseSignatureInputs,
  parseSignatures,
  sha256OfContentDigest,
  type SignatureInput,
  signatureBase,
  StructuredFieldError,
  verifyEd25519,
} from './http-message-signature';
import type { WithRawBody } from './raw-body';

export const SIGNATURE_LABEL = 'sig1';
export const MAX_CLOCK_SKEW_SECONDS = 60;
export const NONCE_TTL_SECONDS = 300;
const MAX_KEY_CACHE = 10_000;
const nonceKey = (keyid: string, nonce: string) => `sig-nonce:${keyid}:${nonce}`;

export type SignatureCheck = { principal: Principal } | { refusal: string };

/**
 * RFC 9421 signatures by terminals' device keys. A request is verified once whoever asks first
 * (rate limiter or auth guard), since checking spends its nonce: the result is kept on the request.
 * Cost on the hot path: the terminal and merchant snapshots from the cache, one Ed25519 verify,
 * one Redis SET NX for the nonce.
 */
@Injectable()
export class SignedRequestVerifier {
  private readonly checks = new WeakMap<Request, Promise<SignatureCheck | undefined>>();
  private readonly keys = new Map<string, KeyObject>();

  constructor(
    private readonly merchants: MerchantsService,
    @Inject(REDIS_CLIENT) private readonly redis: Redis,
  ) {}

  /** Undefined when the request carries no signature at all (then a bearer token may stand for it). */
  check(req: Request): Promise<SignatureCheck | undefined> {
    let check = this.checks.get(req);
    if (!check) {
      check = this.verify(req);
      this.checks.set(req, check);
    }
    return check;
  }

  private async verify(req: Request): Promise<SignatureCheck | undefined> {
    const inputHeader = req.headers['signature-input'];
    const signatureHeader = req.headers.signature;
    if (inputHeader === undefined && signatureHeader === undefined) return undefined;
    if (typeof inputHeader !== 'string' || typeof signatureHeader !== 'string') return refuse('Signature and Signature-Input headers must both be present');

    let input: SignatureInput | undefined;
    let signature: Uint8Array | undefined;
    try {
      input = parseSignatureInputs(inputHeader).get(SIGNATURE_LABEL);
      signature = parseSignatures(signatureHeader).get(SIGNATURE_LABEL);
    } catch (error) {
      return refuse(`Malformed signature headers: ${(error as Error).message}`);
    }
    if (!input || !signature) return refuse(`No "${SIGNATURE_LABEL}" signature in Signature-Input and Signature`);

    const parameters = signatureParameters(input);
    if (typeof parameters === 'string') return refuse(parameters);
    const coverage = missingCoverage(input, req);
    if (coverage) return refuse(coverage);
    const digest = digestProblem(req);
    if (digest) return refuse(digest);
    if (Math.abs(Date.now() / 1000 - parameters.created) > MAX_CLOCK_SKEW_SECONDS) {
      return refuse(`Signature created more than ${MAX_CLOCK_SKEW_SECONDS} s from server time (${new Date().toISOString()})`);
    }

    const standing = await this.merchants.terminalStanding(parameters.keyid);
    const publicKey = standing?.terminal.publicKey;
    if (!standing || !publicKey) return refuse('Unknown keyid: no terminal with a device key by that id');
    const { terminal, merchant } = standing;
    if (terminal.status !== 'active') return refuse('This terminal is disabled');
    if (merchant?.status !== 'active') return refuse("This terminal's merchant is suspended");

    let base: string;
    try {
      base = signatureBase(input, (component) => componentValue(component, req));
    } catch (error) {
      return refuse(`Cannot build the signature base: ${(error as Error).message}`);
    }
    if (!verifyEd25519(base, signature, this.keyOf(publicKey))) return refuse('Signature does not verify with the terminal key');

    const fresh = await this.redis.set(nonceKey(parameters.keyid, parameters.nonce), '1', 'EX', NONCE_TTL_SECONDS, 'NX');
    if (fresh !== 'OK') return refuse('Nonce already used: every signed request needs a new nonce');
    return { principal: { id: terminal.terminalId, role: 'terminal', merchantId: terminal.merchantId, proof: 'signature', keyGeneration: terminal.credentialGeneration } };
  }

  private keyOf(publicKey: string): KeyObject {
    let key = this.keys.get(publicKey);
    if (!key) {
      if (this.keys.size >= MAX_KEY_CACHE) this.keys.clear();
      key = ed25519PublicKey(Buffer.from(publicKey, 'base64'));
      this.keys.set(publicKey, key);
    }
    return key;
  }
}

function refuse(refusal: string): SignatureCheck {
  return { refusal };
}

function signatureParameters(input: SignatureInput): { created: number; keyid: string; nonce: string } | string {
  const created = parameterOf(input.parameters, 'created');
  const keyid = parameterOf(input.parameters, 'keyid');
  const nonce = parameterOf(input.parameters, 'nonce');
  const alg = parameterOf(input.parameters, 'alg');
  if (typeof created !== 'number') return 'Signature-Input needs created (an integer, Unix seconds)';
  if (typeof keyid !== 'string' || !/^[A-Za-z0-9_-]{1,64}$/.test(keyid)) return 'Signature-Input needs keyid (the terminalId, as a string)';
  if (typeof nonce !== 'string' || !/^[\x21-\x7e]{8,128}$/.test(nonce)) return 'Signature-Input needs nonce (a string of 8 to 128 visible characters)';
  if (alg !== 'ed25519') return 'Signature-Input needs alg="ed25519"';
  const expires = parameterOf(input.parameters, 'expires');
  if (expires !== undefined && (typeof expires !== 'number' || expires <= Date.now() / 1000)) return 'Signature expired';
  return { created, keyid, nonce };
}

function missingCoverage(input: SignatureInput, req: Request): string | undefined {
  const covered = new Set(input.components.filter((component) => component.parameters.length === 0).map((component) => component.name));
  for (const required of ['@method', '@path']) if (!covered.has(required)) return `The signature must cover "${required}"`;
  if (rawBodyOf(req).length > 0 && !covered.has('content-digest')) return 'A request with a body must cover "content-digest"';
  return undefined;
}

/** RFC 9530 over the bytes as received: any Content-Digest sent must match, and a body needs one. */
function digestProblem(req: Request): string | undefined {
  const header = req.headers['content-digest'];
  const body = rawBodyOf(req);
  if (header === undefined) return body.length > 0 ? 'A request with a body needs a Content-Digest header (sha-256)' : undefined;
  let claimed: Uint8Array | undefined;
  try {
    claimed = sha256OfContentDigest(String(header));
  } catch {
    return 'Malformed Content-Digest header';
  }
  if (!claimed) return 'Content-Digest needs a sha-256 member';
  const actual = createHash('sha256').update(body).digest();
  if (claimed.length !== actual.length || !timingSafeEqual(claimed, actual)) return 'Content-Digest does not match the body';
  return undefined;
}

function rawBodyOf(req: Request): Buffer {
  return (req as Request & WithRawBody).rawBody ?? Buffer.alloc(0);
}

/** Derived components of RFC 9421 §2.2 that a terminal needs, and header fields by name. */
function componentValue(component: CoveredComponent, req: Request): string | undefined {
  if (component.parameters.length) throw new StructuredFieldError(`component parameters (on ${component.name}) are not supported`);
  const [path, query] = splitTarget(req.originalUrl);
  switch (component.name) {
    case '@method':
      return req.method.toUpperCase();
    case '@path':
      return path;
    case '@query':
      return `?${query ?? ''}`;
    case '@authority':
      return req.headers.host?.toLowerCase();
    case '@scheme':
      return req.protocol;
    case '@target-uri':
      return `${req.protocol}://${req.headers.host?.toLowerCase()}${req.originalUrl}`;
    case '@request-target':
      return req.originalUrl;
    default:
      if (component.name.startsWith('@')) throw new StructuredFieldError(`${component.name} is not a component this server derives`);
      return headerValue(req, component.name);
  }
}

function splitTarget(target: string): [string, string | undefined] {
  const index = target.indexOf('?');
  return index < 0 ? [target, undefined] : [target.slice(0, index), target.slice(index + 1)];
}

function headerValue(req: Request, name: string): string | undefined {
  const value = req.headers[name];
  if (value === undefined) return undefined;
  return (Array.isArray(value) ? value : [value]).map((entry) => entry.trim()).join(', ');
}
