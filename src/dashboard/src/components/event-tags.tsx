// An endpoint's subscriptions as small monospace tags.
export function EventTags({ events }: { events: string[] }) {
  return (
    <>
      {events.map((e) => (
        <code key={e} className="tag">
          {e}
        </code>
      ))}
    </>
  );
}
