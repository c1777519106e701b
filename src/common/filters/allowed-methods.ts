import type { Request } from 'express';
import { METHODS } from 'node:http';

/** What router 2 (Express 5) keeps per layer; only routes (not mounted apps) have `route`. */
interface RouteLayer {
  matchers?: Array<(path: string) => unknown>;
  route?: { methods: Record<string, boolean> };
}

/**
 * The methods the app's own route table serves at this path (HEAD wherever GET is), so that a
 * known path called with another method can answer 405 with an Allow header instead of 404.
 */
export function allowedMethods(req: Request): string[] {
  const stack = (req.app as unknown as { router?: { stack?: RouteLayer[] } }).router?.stack ?? [];
  const methods = new Set<string>();
  for (const layer of stack) {
    if (!layer.route || isCatchAll(layer.route) || !layer.matchers?.some((match) => match(req.path))) continue;
    for (const [method, served] of Object.entries(layer.route.methods)) if (served) methods.add(method.toUpperCase());
  }
  if (methods.has('GET')) methods.add('HEAD');
  return [...methods].sort();
}

/** `router.all()` (how Nest mounts middleware for every route) serves every method: not an endpoint. */
function isCatchAll(route: { methods: Record<string, boolean> }): boolean {
  return Boolean(route.methods._all) || METHODS.every((method) => route.methods[method.toLowerCase()]);
}
