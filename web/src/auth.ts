// The session: an access token (JWT, ~15 min) and a one-use refresh token, kept in sessionStorage so a
// reload keeps the user logged in while closing the tab logs them out; never in localStorage or a
// cookie (no CSRF surface: every API call carries `Authorization: Bearer`). docs/ui.md explains why.
import { signal } from '@preact/signals';

export interface Session {
  accessToken: string;
  expiresAt: string;
  refreshToken: string;
  username: string;
}

const KEY = 'gantry.session';

function load(): Session | null {
  try {
    const raw = sessionStorage.getItem(KEY);
    return raw ? (JSON.parse(raw) as Session) : null;
  } catch {
    return null;
  }
}

export const session = signal<Session | null>(load());

export function saveSession(next: Session | null): void {
  session.value = next;
  if (next) sessionStorage.setItem(KEY, JSON.stringify(next));
  else sessionStorage.removeItem(KEY);
}

interface TokenPair {
  accessToken: string;
  expiresAt: string;
  refreshToken: string;
}

export async function login(username: string, password: string): Promise<void> {
  const response = await fetch('/api/v1/auth/login', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password }),
  });
  if (!response.ok) throw new Error(((await response.json().catch(() => ({}))) as { detail?: string }).detail ?? `login failed (${response.status})`);
  const pair = (await response.json()) as TokenPair;
  saveSession({ ...pair, username });
}

export async function logout(): Promise<void> {
  const current = session.value;
  saveSession(null);
  if (current) {
    await fetch('/api/v1/auth/logout', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ refreshToken: current.refreshToken }),
    }).catch(() => undefined);
  }
}

// One refresh at a time: refresh tokens work once, so two parallel refreshes would revoke the family.
let refreshing: Promise<boolean> | null = null;

/** Swaps the refresh token for a new pair; false (and logged out) when the server refuses it. */
export function refresh(): Promise<boolean> {
  refreshing ??= (async () => {
    const current = session.value;
    if (!current) return false;
    const response = await fetch('/api/v1/auth/refresh', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ refreshToken: current.refreshToken }),
    }).catch(() => null);
    if (!response?.ok) {
      if (response) saveSession(null);
      return false;
    }
    const pair = (await response.json()) as TokenPair;
    saveSession({ ...pair, username: current.username });
    return true;
  })().finally(() => (refreshing = null));
  return refreshing;
}

/** A valid access token, refreshed first when it expires within 30 s. */
export async function accessToken(): Promise<string | null> {
  const current = session.value;
  if (!current) return null;
  if (Date.parse(current.expiresAt) - Date.now() < 30_000 && !(await refresh())) return null;
  return session.value?.accessToken ?? null;
}
