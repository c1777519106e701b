import { assertWebhookUrlShape, guardedLookup, isPublicAddress, WebhookUrlRefused } from './webhook-url-policy';

describe('webhook URL policy', () => {
  it.each(['127.0.0.1', '10.0.0.5', '172.16.3.4', '192.168.1.1', '169.254.169.254', '100.64.0.1', '0.0.0.0', '::1', 'fe80::1', 'fd00::1', '::ffff:127.0.0.1', '224.0.0.1'])(
    'treats %s as not public',
    (address) => expect(isPublicAddress(address)).toBe(false),
  );

  it.each(['8.8.8.8', '1.1.1.1', '2606:4700:4700::1111'])('treats %s as public', (address) => expect(isPublicAddress(address)).toBe(true));

  it('requires https in production and refuses credentials', () => {
    const production = { requireHttps: true, allowPrivate: false };
    expect(() => assertWebhookUrlShape('http://hooks.example.com/x', production)).toThrow(WebhookUrlRefused);
    expect(assertWebhookUrlShape('https://hooks.example.com/x', production).hostname).toBe('hooks.example.com');
    expect(() => assertWebhookUrlShape('https://user:pw@hooks.example.com/x', production)).toThrow(/credentials/);
    expect(() => assertWebhookUrlShape('https://localhost/x', production)).toThrow(/local/);
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
