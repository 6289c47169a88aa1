// The chart's time window: 15 min, 1 h or 24 h, as a group of radio buttons (arrow keys move).
import { WINDOWS, type WindowValue } from '../lib/stats.js';

export function WindowPicker({ value, onChange, name }: { value: WindowValue; onChange(v: WindowValue): void; name: string }) {
  return (
    <fieldset className="window-picker">
      <legend className="sr-only">Time window</legend>
      {WINDOWS.map((w) => (
        <label key={w.value} className={w.value === value ? 'selected' : undefined}>
          <input type="radio" name={name} value={w.value} checked={w.value === value} onChange={() => onChange(w.value)} />
          {w.label}
        </label>
      ))}
    </fieldset>
  );
}
