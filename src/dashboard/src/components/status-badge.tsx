// Status as text first (colour is only a hint), so it reads the same in a screen reader and in grey.
export function StatusBadge({ status }: { status: string }) {
  return <span className={`badge badge-${status}`}>{status}</span>;
}
