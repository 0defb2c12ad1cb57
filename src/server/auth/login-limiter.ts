import { GantryError } from '../../core/index.js';

/**
 * Failed-login throttling, per username and per client address, in memory (per server process).
 *
 * Fixed windows: at most `perUser` failures for one username and `perAddress` failures from one
 * address within `windowMs`; past that, every login attempt for that key answers 429
 * AUTH_RATE_LIMITED with Retry-After until the window ends — even with the right password, so a
 * guesser cannot tell. A successful login clears the username's count. The per-username limit stops
 * slow guessing against one account from many addresses; the per-address one stops one address
 * trying many accounts. Keys are dropped when their window ends (bounded memory).
 */
export interface LoginLimits {
  readonly perUser: number;
  readonly perAddress: number;
  readonly windowMs: number;
}

export const DEFAULT_LOGIN_LIMITS: LoginLimits = { perUser: 5, perAddress: 20, windowMs: 15 * 60_000 };

export interface LoginLimiter {
  /** Throws AUTH_RATE_LIMITED (details.retryAfterSeconds) when either key is over its limit. */
  check(username: string, address: string): void;
  failed(username: string, address: string): void;
  succeeded(username: string): void;
}

interface Window {
  count: number;
  endsAt: number;
}

export function createLoginLimiter(limits: LoginLimits, now: () => number): LoginLimiter {
  const windows = new Map<string, Window>();
  const current = (key: string): Window | undefined => {
    const window = windows.get(key);
    if (window && window.endsAt <= now()) {
      windows.delete(key);
      return undefined;
    }
    return window;
  };
  const prune = () => {
    const time = now();
    for (const [key, window] of windows) if (window.endsAt <= time) windows.delete(key);
  };
  const count = (key: string) => {
    const window = current(key);
    if (window) window.count++;
    else {
      if (windows.size > 100_000) prune();
      windows.set(key, { count: 1, endsAt: now() + limits.windowMs });
    }
  };
  const over = (key: string, limit: number) => {
    const window = current(key);
    return window !== undefined && window.count >= limit ? window : undefined;
  };
  return {
    check(username, address) {
      const blocked = over(`user:${username.toLowerCase()}`, limits.perUser) ?? over(`addr:${address}`, limits.perAddress);
      if (!blocked) return;
      const retryAfterSeconds = Math.max(1, Math.ceil((blocked.endsAt - now()) / 1000));
      throw new GantryError('AUTH_RATE_LIMITED', `too many failed logins; try again in ${retryAfterSeconds} s`, { details: { retryAfterSeconds } });
    },
    failed(username, address) {
      count(`user:${username.toLowerCase()}`);
      count(`addr:${address}`);
    },
    succeeded(username) {
      windows.delete(`user:${username.toLowerCase()}`);
    },
  };
}
