// A labelled <select> (filters and forms): the label is always tied to the control.
export interface Option {
  value: string;
  label: string;
}

export function SelectField(props: { id: string; label: string; value: string; options: Option[]; onChange(value: string): void; required?: boolean }) {
  return (
    <div className="field">
      <label htmlFor={props.id}>{props.label}</label>
      <select id={props.id} name={props.id} required={props.required} value={props.value} onChange={(e) => props.onChange(e.target.value)}>
        {props.options.map((o) => (
          <option key={o.value} value={o.value}>
            {o.label}
          </option>
        ))}
      </select>
    </div>
  );
}
