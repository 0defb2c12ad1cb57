// The web UI's entry: a header, then the page for the current URL (docs/ui.md lists them). Pages past
// the login are loaded on demand, so the first page's JavaScript stays small.
import { render } from 'preact';
import { lazy, Suspense } from 'preact/compat';
import type { MeView } from '../../src/api-client/account-types.js';
import { api } from './api.js';
import { logout, session } from './auth.js';
import { LoginPage } from './pages/login.js';
import { location, match, navigate } from './router.js';
import { useData } from './use-data.js';
import './style.css';

const ProjectsPage = lazy(() => import('./pages/projects.js').then((m) => m.ProjectsPage));
const RunsPage = lazy(() => import('./pages/runs.js').then((m) => m.RunsPage));
const RunPage = lazy(() => import('./pages/run.js').then((m) => m.RunPage));
const JobLogPage = lazy(() => import('./pages/job-log.js').then((m) => m.JobLogPage));
const DeliveriesPage = lazy(() => import('./pages/deliveries.js').then((m) => m.DeliveriesPage));
const SecretsPage = lazy(() => import('./pages/secrets.js').then((m) => m.SecretsPage));
const InstanceSecretsPage = lazy(() => import('./pages/secrets.js').then((m) => m.InstanceSecretsPage));
const MembersPage = lazy(() => import('./pages/members.js').then((m) => m.MembersPage));
const AccountPage = lazy(() => import('./pages/account.js').then((m) => m.AccountPage));
const SettingsPage = lazy(() => import('./pages/settings.js').then((m) => m.SettingsPage));
const TokensPage = lazy(() => import('./pages/tokens.js').then((m) => m.TokensPage));
const UsersPage = lazy(() => import('./pages/users.js').then((m) => m.UsersPage));
const AgentsPage = lazy(() => import('./pages/agents.js').then((m) => m.AgentsPage));

function Page() {
  const { path } = location.value;
  if (path === '/login') return <LoginPage />;
  if (!session.value) {
    queueMicrotask(() => navigate(`/login?next=${encodeURIComponent(path + location.value.search + window.location.hash)}`, true));
    return null;
  }
  let p: Record<string, string> | null;
  if (path === '/') return <ProjectsPage />;
  if (path === '/agents') return <AgentsPage />;
  if (path === '/tokens') return <TokensPage />;
  if (path === '/users') return <UsersPage />;
  if (path === '/secrets') return <InstanceSecretsPage />;
  if (path === '/account') return <AccountPage />;
  if ((p = match('/projects/:name', path))) return <RunsPage name={p.name!} />;
  if ((p = match('/projects/:name/deliveries', path))) return <DeliveriesPage name={p.name!} />;
  if ((p = match('/projects/:name/secrets', path))) return <SecretsPage name={p.name!} />;
  if ((p = match('/projects/:name/members', path))) return <MembersPage name={p.name!} />;
  if ((p = match('/projects/:name/settings', path))) return <SettingsPage name={p.name!} />;
  if ((p = match('/projects/:name/runs/:number', path))) return <RunPage name={p.name!} number={Number(p.number)} />;
  if ((p = match('/projects/:name/runs/:number/jobs/:job', path))) return <JobLogPage name={p.name!} number={Number(p.number)} job={p.job!} />;
  return (
    <main>
      <h1>Not found</h1>
      <p>
        No page at <code>{path}</code>. <a href="/">Projects</a>
      </p>
    </main>
  );
}

function App() {
  const user = session.value;
  // Who is signed in, once per login: the admin pages' links are shown to admins only (the API
  // refuses everyone else anyway).
  const me = useData(() => (user ? api<MeView>('GET', 'me') : Promise.resolve(undefined)), [user?.username]).data;
  return (
    <>
      <a class="skip" href="#content">
        Skip to content
      </a>
      <header class="top">
        <a href="/" class="brand">
          Gantry
        </a>
        {user && (
          <span class="who">
            {me?.admin && (
              <>
                <a href="/agents">Agents</a> <a href="/users">Users</a> <a href="/secrets">Secrets</a>{' '}
              </>
            )}
            <a href="/tokens">Tokens</a>{' '}
            <a href="/account" aria-label={`${user.username} account`}>
              {user.username}
            </a>{' '}
            <button type="button" onClick={() => void logout().then(() => navigate('/login'))}>
              Log out
            </button>
          </span>
        )}
      </header>
      <div id="content">
        <Suspense fallback={<p class="muted">Loading…</p>}>
          <Page />
        </Suspense>
      </div>
    </>
  );
}

render(<App />, document.getElementById('app')!);
