import { BadRequestException } from '@nestjs/common';
import { lookup as dnsLookup, type LookupAddress, type LookupAllOptions } from 'node:dns';
import { BlockList, isIP, type LookupFunction } from 'node:net';
import { withTimeout } from '../common/time/with-timeout';

/**
 * Where webhooks may go. A merchant's URL is checked when it is set and again at every delivery,
 * after DNS resolution, on the very address the connection uses (see `guardedLookup`): a name that
 * resolves to a private address later (DNS rebinding) is refused as well.
 */
export interface WebhookUrlPolicy {
  /** Production: only https. */
  requireHttps: boolean;
  /** Development and tests (WEBHOOK_ALLOW_PRIVATE_URLS): loopback and private networks allowed. */
  allowPrivate: boolean;
}

const blocked = new BlockList();
for (const [network, prefix] of [
  ['0.0.0.0', 8], // "this" network
  ['10.0.0.0', 8],
  ['100.64.0.0', 10], // carrier-grade NAT
  ['127.0.0.0', 8],
  ['169.254.0.0', 16], // link-local, cloud metadata (169.254.169.254)
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.0.2.0', 24], // documentation
  ['192.168.0.0', 16],
  ['198.18.0.0', 15], // benchmarking
  ['198.51.100.0', 24],
  ['203.0.113.0', 24],
  ['224.0.0.0', 4], // multicast
  ['240.0.0.0', 4], // reserved, broadcast
] as const) {
  blocked.addSubnet(network, prefix, 'ipv4');
}
for (const [network, prefix] of [
  ['::', 128],
  ['::1', 128],
  ['64:ff9b:1::', 48], // local NAT64
  ['100::', 64], // discard
  ['2001:2::', 48], // benchmarking
  ['2001:db8::', 32], // documentation
  ['3fff::', 20], // documentation
  ['fc00::', 7], // unique local
  ['fe80::', 10], // link-local
  ['fec0::', 10], // old site-local
  ['ff00::', 8], // multicast
] as const) {
  blocked.addSubnet(network, prefix, 'ipv6');
}

/**
 * False for loopback, private, link-local, multicast and other non-public addresses, including
 * IPv6 addresses that carry such an IPv4 address (a connection to them can end up there).
 */
export function isPublicAddress(address: string): boolean {
  const family = isIP(address);
  if (family === 4) return !blocked.check(address, 'ipv4');
  if (family !== 6 || address.includes('%')) return false; // a zone index is link-local by nature
  if (blocked.check(address, 'ipv6')) return false;
  return embeddedIpv4(hextetsOf(address)).every((ipv4) => !blocked.check(ipv4, 'ipv4'));
}

/**
 * The IPv4 addresses an IPv6 address stands for under the transition mechanisms: IPv4-compatible
 * (::/96, which includes :: and ::1), IPv4-mapped (::ffff:0:0/96), IPv4-translated
 * (::ffff:0:0:0/96), NAT64 (64:ff9b::/96; the local-use 64:ff9b:1::/48 is refused whole), 6to4
 * (2002::/16) and Teredo (2001::/32: its server and its client, stored inverted).
 */
function embeddedIpv4(h: number[]): string[] {
  const zero = (from: number, to: number) => h.slice(from, to).every((hextet) => hextet === 0);
  const ipv4 = (high: number, low: number) => `${high >> 8}.${high & 0xff}.${low >> 8}.${low & 0xff}`;
  if (zero(0, 5) && (h[5] === 0 || h[5] === 0xffff)) return [ipv4(h[6], h[7])];
  if (zero(0, 4) && h[4] === 0xffff && h[5] === 0) return [ipv4(h[6], h[7])];
  if (h[0] === 0x64 && h[1] === 0xff9b && zero(2, 6)) return [ipv4(h[6], h[7])];
  if (h[0] === 0x2002) return [ipv4(h[1], h[2])];
  if (h[0] === 0x2001 && h[1] === 0) return [ipv4(h[2], h[3]), ipv4(h[6] ^ 0xffff, h[7] ^ 0xffff)];
  return [];
}

/** The eight 16-bit groups of a valid IPv6 address (as `isIP` accepts it, without a zone). */
function hextetsOf(address: string): number[] {
  let text = address.toLowerCase();
  const lastColon = text.lastIndexOf(':');
  const tail = text.slice(lastColon + 1);
  if (tail.includes('.')) {
    const [a, b, c, d] = tail.split('.').map(Number);
    text = `${text.slice(0, lastColon + 1)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head, rest] = text.split('::');
  const left = head ? head.split(':') : [];
  const right = rest ? rest.split(':') : [];
  const groups = rest === undefined ? left : [...left, ...Array<string>(8 - left.length - right.length).fill('0'), ...right];
  return groups.map((group) => parseInt(group, 16));
}

export class WebhookUrlRefused extends Error {
  override readonly name = 'WebhookUrlRefused';
}

/** Checks scheme, credentials and a literal host; the DNS part is `assertResolvesPublic`. */
export function assertWebhookUrlShape(raw: string, policy: WebhookUrlPolicy): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new WebhookUrlRefused('is not a URL');
  }
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && !policy.requireHttps)) {
    throw new WebhookUrlRefused(policy.requireHttps ? 'must use https' : 'must use http or https');
  }
  if (url.username || url.password) throw new WebhookUrlRefused('must not carry credentials');
  const host = hostOf(url);
  if (!policy.allowPrivate) {
    if (isIP(host) && !isPublicAddress(host)) throw new WebhookUrlRefused('points at a loopback, private or link-local address');
    if (host === 'localhost' || host.endsWith('.localhost') || host.endsWith('.local') || host.endsWith('.internal')) {
      throw new WebhookUrlRefused('points at a local host name');
    }
  }
  return url;
}

/**
 * Resolves the host and refuses it if any address is not public. A name that does not resolve
 * (yet) is let through when the URL is set — delivery checks again and fails until it does.
 */
export async function assertResolvesPublic(url: URL, policy: WebhookUrlPolicy, timeoutMs = 2_000): Promise<void> {
  const host = hostOf(url);
  if (policy.allowPrivate || isIP(host)) return;
  let addresses: LookupAddress[];
  try {
    addresses = await withTimeout(lookupAll(host), timeoutMs);
  } catch {
    return;
  }
  if (addresses.some((entry) => !isPublicAddress(entry.address))) throw new WebhookUrlRefused('resolves to a loopback, private or link-local address');
}

/** Both checks, answering 400 naming `webhookUrl` (for the merchants API). */
export async function validateWebhookUrl(raw: string, policy: WebhookUrlPolicy): Promise<void> {
  try {
    await assertResolvesPublic(assertWebhookUrlShape(raw, policy), policy);
  } catch (error) {
    if (!(error instanceof WebhookUrlRefused)) throw error;
    throw new BadRequestException({ message: 'Validation failed', details: [{ field: 'webhookUrl', errors: [`webhookUrl ${error.message}`] }] });
  }
}

/**
 * A `lookup` for http(s).request: resolves like the system does, then refuses non-public
 * addresses. The socket connects to exactly the address checked, so there is no window between
 * check and use.
 */
export function guardedLookup(policy: WebhookUrlPolicy, resolve: typeof resolveAll = resolveAll): LookupFunction {
  return (hostname, options, callback) => {
    resolve(hostname, { ...options, all: true }, (error, addresses) => {
      if (error) return callback(error, '', 0);
      const refused = policy.allowPrivate ? undefined : addresses.find((entry) => !isPublicAddress(entry.address));
      if (refused) return callback(Object.assign(new WebhookUrlRefused(`${hostname} resolves to non-public address ${refused.address}`), { code: 'EWEBHOOKPRIVATE' }), '', 0);
      if (options.all) return (callback as unknown as (e: null, a: LookupAddress[]) => void)(null, addresses);
      callback(null, addresses[0].address, addresses[0].family);
    });
  };
}

/** The host without IPv6 brackets and without the root label's dot (`localhost.` is `localhost`). */
function hostOf(url: URL): string {
  return url.hostname.replace(/^\[(.*)\]$/, '$1').replace(/\.$/, '').toLowerCase();
}

/** The system resolver, every address (the seam tests use to play a DNS answer). */
function resolveAll(hostname: string, options: LookupAllOptions, callback: (error: NodeJS.ErrnoException | null, addresses: LookupAddress[]) => void): void {
  dnsLookup(hostname, options, callback);
}

function lookupAll(host: string): Promise<LookupAddress[]> {
  return new Promise((resolve, reject) => dnsLookup(host, { all: true }, (error, addresses) => (error ? reject(error) : resolve(addresses))));
}
