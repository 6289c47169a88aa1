// Subscription picker: `*`, the category wildcards and the exact types, all from the shared registry.
import { EVENT_TYPES, WILDCARDS, EVENT_TYPE_NAMES, matchesAny } from '../../../domain/event-types.js';

export function EventTypePicker({ value, onChange, invalid }: { value: string[]; onChange(next: string[]): void; invalid?: boolean }) {
  const toggle = (pattern: string, on: boolean) => onChange(on ? [...value, pattern] : value.filter((p) => p !== pattern));
  const box = (pattern: string, label: string, hint?: string) => (
    <label key={pattern} className="check">
      <input type="checkbox" name="events" value={pattern} checked={value.includes(pattern)} onChange={(e) => toggle(pattern, e.target.checked)} />
      <code>{pattern}</code>
      {label && <span className="muted"> {label}</span>}
      {hint && <span className="muted"> ({hint})</span>}
    </label>
  );
  const matched = EVENT_TYPE_NAMES.filter((t) => matchesAny(value, t)).length;
  return (
    <fieldset className="picker" aria-invalid={invalid || undefined} aria-describedby="events-summary">
      <legend>Event types</legend>
      <div className="picker-group">{box('*', 'All events')}</div>
      <div className="picker-group" role="group" aria-label="Wildcards">
        <span className="picker-title">Wildcards</span>
        {WILDCARDS.map((w) => {
          const n = EVENT_TYPE_NAMES.filter((t) => matchesAny([w], t)).length;
          return box(w, '', `${n} ${n === 1 ? 'type' : 'types'}`);
        })}
      </div>
      <div className="picker-group picker-types" role="group" aria-label="Event types">
        <span className="picker-title">Types</span>
        {EVENT_TYPES.map((t) => box(t.type, t.description))}
      </div>
      <p id="events-summary" className="muted">
        Receives {matched} of {EVENT_TYPE_NAMES.length} event types.
      </p>
    </fieldset>
  );
}
