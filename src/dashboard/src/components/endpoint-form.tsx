// Add / edit an endpoint: URL, description, event types. The API validates; its message is shown next
// to the field it names (`param`), else above the buttons.
import { useState, type FormEvent } from 'react';
import type { EndpointInput } from '../lib/api.js';
import { useAction } from '../hooks/use-action.js';
import { EventTypePicker } from './event-type-picker.js';
import { ErrorMessage } from './error-message.js';

export function EndpointForm(props: {
  initial?: EndpointInput;
  submitLabel: string;
  onSubmit(input: EndpointInput): Promise<void>;
  onCancel?(): void;
}) {
  const [url, setUrl] = useState(props.initial?.url ?? '');
  const [description, setDescription] = useState(props.initial?.description ?? '');
  const [events, setEvents] = useState<string[]>(props.initial?.events ?? ['*']);
  const action = useAction();
  const submit = (e: FormEvent) => {
    e.preventDefault();
    void action.run(() => props.onSubmit({ url: url.trim(), events, description: description.trim() || null }));
  };
  const urlError = action.errorParam === 'url' ? action.error : null;

  return (
    <form className="stack" onSubmit={submit} aria-label={props.submitLabel}>
      <div className="field">
        <label htmlFor="endpoint-url">Endpoint URL</label>
        <input
          id="endpoint-url"
          name="url"
          type="url"
          required
          placeholder="http://localhost:3000/webhooks/pro-pitbox"
          value={url}
          onChange={(e) => setUrl(e.target.value)}
          aria-invalid={urlError ? true : undefined}
          aria-describedby={urlError ? 'endpoint-url-error' : undefined}
        />
        <ErrorMessage id="endpoint-url-error" message={urlError} />
      </div>
      <div className="field">
        <label htmlFor="endpoint-description">Description (optional)</label>
        <input id="endpoint-description" name="description" value={description} onChange={(e) => setDescription(e.target.value)} />
      </div>
      <EventTypePicker value={events} onChange={setEvents} invalid={action.errorParam === 'events'} />
      <ErrorMessage message={urlError ? null : action.error} />
      <div className="actions">
        <button type="submit" className="primary" disabled={action.busy}>
          {props.submitLabel}
        </button>
        {props.onCancel && (
          <button type="button" onClick={props.onCancel}>
            Cancel
          </button>
        )}
      </div>
    </form>
  );
}
