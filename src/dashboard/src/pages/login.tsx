// The key is checked against the API before it is kept, so a wrong key gets the API's own 401 message.
import { useState, type FormEvent } from 'react';
import { createApi } from '../lib/api.js';
import { useAction } from '../hooks/use-action.js';
import { ErrorMessage } from '../components/error-message.js';

export function LoginPage({ onLogin }: { onLogin(key: string): void }) {
  const [key, setKey] = useState('');
  const action = useAction();
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const k = key.trim();
    void action.run(async () => {
      await createApi(k).listEndpoints(1);
      onLogin(k);
    });
  };
  return (
    <main className="login" id="main">
      <h1>propitbox dashboard</h1>
      <p>
        Enter the API key that <code>propitbox dev</code> printed (it is also in your <code>local</code> CLI profile). It is kept in this
        tab only.
      </p>
      <form onSubmit={submit} className="stack" aria-label="Log in">
        <div className="field">
          <label htmlFor="api-key">API key</label>
          <input
            id="api-key"
            name="api-key"
            type="password"
            autoComplete="off"
            spellCheck={false}
            required
            autoFocus
            value={key}
            onChange={(e) => setKey(e.target.value)}
            aria-invalid={action.error ? true : undefined}
            aria-describedby={action.error ? 'login-error' : undefined}
          />
        </div>
        <ErrorMessage id="login-error" message={action.error} />
        <div className="actions">
          <button type="submit" className="primary" disabled={action.busy || !key.trim()}>
            Log in
          </button>
        </div>
      </form>
    </main>
  );
}
