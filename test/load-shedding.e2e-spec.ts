import { connect, type Socket } from 'node:net';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { closeTestApp, createTestApp, TEST_METRICS_TOKEN } from './support/test-app';
import { waitFor } from './support/wait';

/**
 * Past MAX_IN_FLIGHT_REQUESTS a process answers 503 at once instead of taking on more work.
 * Requests are held in flight by sending their headers and only part of the body they announce.
 */
describe('load shedding: a bounded number of requests in progress per process', () => {
  let app: NestExpressApplication;
  let base: string;
  const held: Socket[] = [];

  beforeAll(async () => {
    app = await createTestApp({ env: { MAX_IN_FLIGHT_REQUESTS: '2' } });
    await app.listen(0, '127.0.0.1');
    base = (await app.getUrl()).replace('[::1]', '127.0.0.1');
  });
  afterAll(async () => {
    held.forEach((socket) => socket.destroy());
    await closeTestApp(app);
  });

  /** A payment request whose body never finishes arriving: in progress until its socket closes. */
  function holdOne(): Promise<Socket> {
    const { hostname, port } = new URL(base);
    return new Promise((resolve) => {
      const socket = connect(Number(port), hostname, () => {
        socket.write(`POST /api/payment/process-async HTTP/1.1\r\nHost: ${hostname}\r\nContent-Type: application/json\r\nContent-Length: 200\r\n\r\n{"amount":`);
        resolve(socket);
      });
      held.push(socket);
    });
  }

  const shedCount = async () => {
    const text = await (await fetch(`${base}/metrics`, { headers: { authorization: `Bearer ${TEST_METRICS_TOKEN}` } })).text();
    return Number(/^nfcpay_http_requests_shed_total (\S+)$/m.exec(text)?.[1] ?? 0);
  };

  it('refuses with 503 and Retry-After while full, never the probes, and takes requests again once one ends', async () => {
    const [first, second] = [await holdOne(), await holdOne()];
    // Both are in progress once a third is refused (the server reads them asynchronously).
    const refused = await waitFor(async () => {
      const res = await fetch(`${base}/api/auth/me`);
      return res.status === 503 ? res : undefined;
    }, 5_000, 'a request refused while two are in progress');
    expect(refused.headers.get('retry-after')).toBe('1');
    expect(await refused.json()).toEqual({ success: false, error: 'Service Unavailable', message: expect.stringContaining('retry'), requestId: refused.headers.get('x-request-id') });
    expect((await fetch(`${base}/health`)).status).toBe(200);
    expect(await shedCount()).toBeGreaterThanOrEqual(1);

    first.destroy();
    await waitFor(async () => ((await fetch(`${base}/api/auth/me`)).status === 401 ? true : undefined), 5_000, 'a request taken again after one ended');
    second.destroy();
  });
});
