// Page chrome: skip link, navigation, live-connection state and logout.
import type { ReactNode } from 'react';
import { useApp } from '../hooks/app-context.js';
import type { Route } from '../lib/routes.js';
import { href } from '../lib/routes.js';

const STATE_TEXT = { connecting: 'Connecting…', live: 'Live', reconnecting: 'Reconnecting…', unauthorized: 'Not authorised: log in again' } as const;

export function Layout({ route, children }: { route: Route; children: ReactNode }) {
  const { logout, streamState } = useApp();
  const current = (names: Route['name'][]) => (names.includes(route.name) ? 'page' : undefined);
  return (
    <>
      <a className="skip" href="#main" onClick={(e) => (e.preventDefault(), document.getElementById('main')?.focus())}>
        Skip to content
      </a>
      <header className="top">
        <span className="brand">propitbox</span>
        <nav aria-label="Main">
          <ul>
            <li>
              <a href={href.webhooks()} aria-current={current(['webhooks', 'new-webhook', 'endpoint'])}>
                Webhooks
              </a>
            </li>
            <li>
              <a href={href.test()} aria-current={current(['test'])}>
                Send test event
              </a>
            </li>
            <li>
              <a href={href.logs()} aria-current={current(['logs'])}>
                Event logs
              </a>
            </li>
          </ul>
        </nav>
        <span className={`stream stream-${streamState}`} role="status" data-stream-state={streamState}>
          {STATE_TEXT[streamState]}
        </span>
        <button type="button" onClick={logout}>
          Log out
        </button>
      </header>
      <main id="main" tabIndex={-1}>
        {children}
      </main>
    </>
  );
}
