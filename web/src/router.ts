// Client-side routes on the History API: the server answers index.html for every UI path (ui.ts), so a
// URL such as /projects/web/runs/3 can be bookmarked, reloaded and shared.
import { signal } from '@preact/signals';

export const location = signal({ path: window.location.pathname, search: window.location.search });

export function navigate(href: string, replace = false): void {
  if (replace) history.replaceState(null, '', href);
  else history.pushState(null, '', href);
  location.value = { path: window.location.pathname, search: window.location.search };
  if (!href.includes('#')) window.scrollTo(0, 0);
}

window.addEventListener('popstate', () => {
  location.value = { path: window.location.pathname, search: window.location.search };
});

// Plain <a href> everywhere (keyboard, middle-click and "copy link" work); same-origin clicks stay in the app.
document.addEventListener('click', (event) => {
  const anchor = (event.target as Element | null)?.closest?.('a');
  if (!anchor || event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
  // getAttribute, not .href/.target: SVG links (the job graph's nodes) have neither as strings.
  if (anchor.getAttribute('target') || anchor.hasAttribute('download')) return;
  const url = new URL(anchor.getAttribute('href') ?? '', window.location.href);
  if (url.origin !== window.location.origin || (url.pathname === window.location.pathname && url.hash)) return;
  event.preventDefault();
  navigate(url.pathname + url.search + url.hash);
});

/** `/projects/:name/runs/:number` → `{ name, number }` when `path` fits `pattern`. */
export function match(pattern: string, path: string): Record<string, string> | null {
  const want = pattern.split('/');
  const got = path.replace(/\/$/, '').split('/');
  if (want.length !== got.length) return null;
  const params: Record<string, string> = {};
  for (let i = 0; i < want.length; i++) {
    const w = want[i]!;
    if (w.startsWith(':')) params[w.slice(1)] = decodeURIComponent(got[i]!);
    else if (w !== got[i]) return null;
  }
  return params;
}
