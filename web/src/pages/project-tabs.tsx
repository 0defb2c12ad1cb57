import { path } from '../api.js';
import { location } from '../router.js';

/** The project's pages: runs, webhook deliveries, secrets, members, settings. */
export function ProjectTabs({ name }: { name: string }) {
  const base = `/projects/${path(name)}`;
  const tabs = [
    [base, 'Runs'],
    [`${base}/deliveries`, 'Deliveries'],
    [`${base}/secrets`, 'Secrets'],
    [`${base}/members`, 'Members'],
    [`${base}/settings`, 'Settings'],
  ] as const;
  return (
    <nav class="tabs" aria-label={`${name} pages`}>
      {tabs.map(([href, label]) => (
        <a key={href} href={href} aria-current={location.value.path === href ? 'page' : undefined}>
          {label}
        </a>
      ))}
    </nav>
  );
}
