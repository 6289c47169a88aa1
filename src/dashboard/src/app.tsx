// Top level: login gate, then hash-routed pages inside the per-key context.
import { useCallback, useEffect, useState } from 'react';
import { AppProvider } from './hooks/app-context.js';
import { clearKey, loadKey, saveKey } from './lib/session.js';
import { parseHash, href, type Route } from './lib/routes.js';
import { Layout } from './components/layout.js';
import { LoginPage } from './pages/login.js';
import { WebhooksPage } from './pages/webhooks.js';
import { NewWebhookPage } from './pages/new-webhook.js';
import { EndpointPage } from './pages/endpoint.js';
import { SendTestPage } from './pages/send-test.js';
import { EventLogsPage } from './pages/event-logs.js';

function useRoute(): Route {
  const [route, setRoute] = useState(() => parseHash(location.hash));
  useEffect(() => {
    const on = () => setRoute(parseHash(location.hash));
    window.addEventListener('hashchange', on);
    return () => window.removeEventListener('hashchange', on);
  }, []);
  return route;
}

const TITLES: Record<Route['name'], string> = {
  webhooks: 'Webhooks',
  'new-webhook': 'Add endpoint',
  endpoint: 'Endpoint',
  test: 'Send test event',
  logs: 'Event logs',
  'not-found': 'Not found',
};

function Page({ route }: { route: Route }) {
  switch (route.name) {
    case 'webhooks':
      return <WebhooksPage />;
    case 'new-webhook':
      return <NewWebhookPage />;
    case 'endpoint':
      return <EndpointPage key={route.id} id={route.id} />;
    case 'test':
      return <SendTestPage endpoint={route.endpoint} />;
    case 'logs':
      return <EventLogsPage filters={route.filters} delivery={route.delivery} />;
    default:
      return (
        <p>
          No page at <code>{route.path}</code>. <a href={href.webhooks()}>Go to Webhooks</a>.
        </p>
      );
  }
}

export function App() {
  const [key, setKey] = useState(loadKey);
  const route = useRoute();
  useEffect(() => {
    document.title = `${TITLES[route.name]} · propitbox`;
  }, [route.name]);
  const logout = useCallback(() => {
    clearKey();
    setKey(null);
  }, []);
  if (!key) {
    return (
      <LoginPage
        onLogin={(k) => {
          saveKey(k);
          setKey(k);
        }}
      />
    );
  }
  return (
    <AppProvider apiKey={key} onLogout={logout}>
      <Layout route={route}>
        <Page route={route} />
      </Layout>
    </AppProvider>
  );
}
