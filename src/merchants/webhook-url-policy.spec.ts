import { assertWebhookUrlShape, guardedLookup, isPublicAddress, WebhookUrlRefused } from './webhook-url-policy';

describe('webhook URL policy', () => {
  it.each(['127.0.0.1', '10.0.0.5', '172.16.3.4', '192.168.1.1', '169.254.169.254', '100.64.0.1', '0.0.0.0', '::1', 'fe80::1', 'fd00::1', '::ffff:127.0.0.1', '224.0.0.1'])(
    'treats %s as not public',
    (address) => expect(isPublicAddress(address)).toBe(false),
  );

  it.each(['8.8.8.8', '1.1.1.1', '2606:4700:4700::1111'])('treats %s as public', (address) => expect(isPublicAddress(address)).toBe(true));

  describe('IPv6 addresses that carry an IPv4 address are judged by it', () => {
    it.each([
      ['NAT64', '64:ff9b::a9fe:a9fe'],
      ['NAT64, dotted', '64:ff9b::127.0.0.1'],
      ['local-use NAT64', '64:ff9b:1::808:808'],
      ['6to4', '2002:a9fe:a9fe::1'],
      ['6to4 of 10/8', '2002:0a00:0001::'],
      ['IPv4-compatible', '::127.0.0.1'],
      ['IPv4-compatible, hex', '::7f00:1'],
      ['IPv4-mapped, hex', '::ffff:7f00:1'],
      ['IPv4-mapped, expanded', '0:0:0:0:0:ffff:a9fe:a9fe'],
      ['IPv4-translated', '::ffff:0:127.0.0.1'],
      ['IPv4-translated, hex', '::ffff:0:a00:1'],
      ['Teredo, private client', '2001:0:4136:e378:8000:63bf:f5ff:fffe'],
      ['Teredo, loopback client', '2001::80ff:fffe'],
      ['Teredo, documentation client (RFC 4380 example)', '2001:0:4136:e378:8000:63bf:3fff:fdd2'],
      ['Teredo, private server', '2001:0:a00:1::f7f7:f7f7'],
      ['a zone index', 'fe80::1%eth0'],
    ])('%s %s is not public', (_form, address) => expect(isPublicAddress(address)).toBe(false));

    it.each(['64:ff9b::808:808', '2002:808:808::1', '::ffff:8.8.8.8', '2001:0:4136:e378::f7f7:f7f7'])('%s, carrying a public IPv4 address, is public', (address) =>
      expect(isPublicAddress(address)).toBe(true),
    );

    it.each(['[64:ff9b::a9fe:a9fe]', '[2002:a9fe:a9fe::1]', '[::127.0.0.1]', '[::ffff:0:127.0.0.1]', '[::ffff:127.0.0.1]', '[2001::80ff:fffe]'])(
      'refuses the webhook URL https://%s/hook',
      (host) => expect(() => assertWebhookUrlShape(`https://${host}/hook`, { requireHttps: true, allowPrivate: false })).toThrow(WebhookUrlRefused),
    );

    it('refuses, at connection time, a name whose AAAA record carries a private IPv4 address', async () => {
      const resolveTo = (address: string) => ((_host: string, _options: unknown, callback: (e: null, a: { address: string; family: number }[]) => void) => callback(null, [{ address, family: 6 }])) as never;
      const lookup = guardedLookup({ requireHttps: true, allowPrivate: false }, resolveTo('64:ff9b::a9fe:a9fe'));
      const error = await new Promise<Error | null>((resolve) => lookup('hooks.example.com', {}, (err) => resolve(err)));
      expect(error).toBeInstanceOf(WebhookUrlRefused);
      const allowed = guardedLookup({ requireHttps: true, allowPrivate: false }, resolveTo('64:ff9b::808:808'));
      const address = await new Promise<string>((resolve) => allowed('hooks.example.com', {}, (_err, addr) => resolve(String(addr))));
      expect(address).toBe('64:ff9b::808:808');
    });
  });

  it('requires https in production and refuses credentials', () => {
    const production = { requireHttps: true, allowPrivate: false };
    expect(() => assertWebhookUrlShape('http://hooks.example.com/x', production)).toThrow(WebhookUrlRefused);
    expect(assertWebhookUrlShape('https://hooks.example.com/x', production).hostname).toBe('hooks.example.com');
    expect(() => assertWebhookUrlShape('https://user:pw@hooks.example.com/x', production)).toThrow(/credentials/);
    expect(() => assertWebhookUrlShape('https://localhost/x', production)).toThrow(/local/);
    expect(() => assertWebhookUrlShape('https://localhost./x', production)).toThrow(/local/);
    expect(() => assertWebhookUrlShape('https://metadata.internal./x', production)).toThrow(/local/);
    expect(assertWebhookUrlShape('http://127.0.0.1:9/x', { requireHttps: false, allowPrivate: true }).port).toBe('9');
  });

  it('refuses, at connection time, a host name that resolves to loopback', async () => {
    const lookup = guardedLookup({ requireHttps: false, allowPrivate: false });
    const error = await new Promise<Error | null>((resolve) => lookup('localhost', {}, (err) => resolve(err)));
    expect(error).toBeInstanceOf(WebhookUrlRefused);
    const allowed = guardedLookup({ requireHttps: false, allowPrivate: true });
    const address = await new Promise<string>((resolve) => allowed('localhost', {}, (_err, addr) => resolve(String(addr))));
    expect(isPublicAddress(address)).toBe(false);
  });
});
