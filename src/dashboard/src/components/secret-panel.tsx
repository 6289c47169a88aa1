// The signing secret stays hidden until asked for (GET /v1/webhooks/:id/secret); rotating shows the new one.
import { useState } from 'react';
import { useApp } from '../hooks/app-context.js';
import { useAction } from '../hooks/use-action.js';
import { ConfirmButton } from './confirm-button.js';
import { ErrorMessage } from './error-message.js';

export function SecretPanel({ endpointId }: { endpointId: string }) {
  const { api } = useApp();
  const [secret, setSecret] = useState<string | null>(null);
  const [note, setNote] = useState<string | null>(null);
  const action = useAction();
  const act = (fn: () => Promise<string>, message: string | null) =>
    action.run(async () => {
      setSecret(await fn());
      setNote(message);
    });
  return (
    <section className="card" aria-labelledby="secret-title">
      <h2 id="secret-title">Signing secret</h2>
      <p className="muted">
        Receivers verify <code>X-ProPitbox-Signature</code> (HMAC-SHA256 of the raw body) with this secret.
      </p>
      <p>
        {secret ? (
          <code className="secret" data-testid="signing-secret">
            {secret}
          </code>
        ) : (
          <span aria-label="Secret hidden">whsec_••••••••••••</span>
        )}
      </p>
      {note && <p role="status">{note}</p>}
      <ErrorMessage message={action.error} />
      <div className="actions">
        {secret ? (
          <button type="button" onClick={() => (setSecret(null), setNote(null))}>
            Hide secret
          </button>
        ) : (
          <button type="button" onClick={() => act(async () => (await api.getSecret(endpointId)).secret, null)}>
            Reveal secret
          </button>
        )}
        <ConfirmButton
          label="Rotate secret"
          confirmLabel="Rotate now: the old secret stops working"
          onConfirm={() => act(async () => (await api.rotateSecret(endpointId)).secret ?? (await api.getSecret(endpointId)).secret, 'Secret rotated: update your receiver.')}
        />
      </div>
    </section>
  );
}
