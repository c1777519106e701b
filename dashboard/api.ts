/**
 * The session lives in this module's memory only (never localStorage): a reload signs out, and a
 * script injected elsewhere cannot read the token from storage.
 */
let token: string | null = null;
let who: { email: string; role: string } | null = null;

export class ApiError extends Error {
  constructor(readonly status: number, message: string) {
    super(message);
  }
}

export const session = () => (token && who ? { token, ...who } : null);

export function signOut(): void {
  token = null;
  who = null;
}

export async function signIn(email: string, password: string): Promise<void> {
  const body = await call<{ accessToken: string; user: { email: string; role: string } }>('POST', '/api/auth/login', { email, password }, false);
  if (body.user.role !== 'admin') throw new ApiError(403, 'The dashboard is for admins (merchant staff come with staff accounts)');
  token = body.accessToken;
  who = { email: body.user.email, role: body.user.role };
}

export async function call<T>(method: string, path: string, body?: unknown, authenticated = true): Promise<T> {
  const headers: Record<string, string> = {};
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  if (authenticated && token) headers.Authorization = `Bearer ${token}`;
  const res = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const json = await res.json().catch(() => ({}));
  if (res.status === 401 && authenticated) {
    signOut();
    location.hash = '#/signin';
  }
  if (!res.ok) throw new ApiError(res.status, (json as { message?: string }).message ?? res.statusText);
  return json as T;
}

export const get = <T>(path: string, query: Record<string, string | undefined> = {}) => {
  const params = new URLSearchParams(Object.entries(query).filter((e): e is [string, string] => !!e[1]));
  return call<T>('GET', params.size ? `${path}?${params}` : path);
};
