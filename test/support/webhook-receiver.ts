import { createServer } from 'node:http';

export interface ReceivedWebhook {
  type: string;
  data: { refund?: { id: string; status: string }; payout?: { id: string; status: string } };
}

/** A merchant's webhook endpoint on loopback: answers 200 and keeps every event it was sent. */
export async function startWebhookReceiver(): Promise<{ url: string; received: ReceivedWebhook[]; close: () => Promise<void> }> {
  const received: ReceivedWebhook[] = [];
  const server = createServer((req, res) => {
    let raw = '';
    req.on('data', (chunk: Buffer) => (raw += chunk.toString()));
    req.on('end', () => {
      received.push(JSON.parse(raw));
      res.end('ok');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return { url: `http://127.0.0.1:${port}/hooks`, received, close: () => new Promise((resolve) => server.close(() => resolve())) };
}
