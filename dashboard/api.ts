/**
 * The session lives in this module's memory only (never localStorage): a reload signs out, and a
 * script injected elsewhere cannot read the token from storage.
 */
let token: string | null = null;
let who: Who | null = null;

/** Admins see every merchant; merchant staff (role `merchant`) only theirs, which the API enforces. */
export type Who = { email: string; role: 'admin' | 'merchant'; merchantId?: string; staffRole?: string };

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

export const isStaff = () => who?.role === 'merchant';

export async function signIn(email: string, password: string): Promise<void> {
  const body = await call<{ accessToken: string; user: { email: string; role: string; merchantId?: string; staffRole?: string } }>('POST', '/api/auth/login', { email, password }, false);
  const { role, merchantId, staffRole } = body.user;
  if (role !== 'admin' && role !== 'merchant') throw new ApiError(403, 'The dashboard is for admins and merchant staff');
  token = body.accessToken;
  who = { email: body.user.email, role, ...(merchantId && { merchantId }), ...(staffRole && { staffRole }) };
}

export async function call<T>(method: string, path: string, body?: unknown, authenticated = true, extraHeaders: Record<string, string> = {}): Promise<T> {
  const headers: Record<string, string> = { ...extraHeaders };
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

/** What a failed page load tells the reader: another merchant's object answers 404, an admin-only one 403. */
export function explain(error: unknown): string {
  if (error instanceof ApiError && error.status === 404) return 'Not found: it does not exist, or it is not yours to see.';
  if (error instanceof ApiError && error.status === 403) return 'Your account may not see this.';
  return (error as Error).message;
}

/** An Idempotency-Key: getRandomValues works on plain http too, where randomUUID is missing. */
export function newIdempotencyKey(): string {
  return `dash-${Array.from(crypto.getRandomValues(new Uint8Array(16)), (b) => b.toString(16).padStart(2, '0')).join('')}`;
}
