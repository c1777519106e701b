import type { EmbeddedServer } from '../../src/embedded/embedded-servers';

export default async function globalTeardown(): Promise<void> {
  const started = (globalThis as { __EMBEDDED_SERVERS__?: EmbeddedServer[] }).__EMBEDDED_SERVERS__ ?? [];
  await Promise.all(started.map((server) => server.stop()));
}
