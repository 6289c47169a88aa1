// A request body for people: text when it is UTF-8 without control characters, else a hex dump.
// Pure; shared by the CLI's views, the listen renderers and the TUI's details pane.
import { formatSize } from './size.js';

/** Valid UTF-8 with no control characters but tab/newline/CR (checks the first `limit` bytes). */
export function isText(body: Uint8Array, limit = 64 * 1024): boolean {
  const head = body.subarray(0, limit);
  let text: string;
  try {
    // A multi-byte character cut at the limit is not a reason to call the body binary.
    text = new TextDecoder('utf-8', { fatal: true }).decode(head, { stream: head.length < body.length });
  } catch {
    return false;
  }
  // eslint-disable-next-line no-control-regex
  return !/[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]/.test(text);
}

export function bodyText(body: Buffer, limit = 64 * 1024): string {
  if (!body.length) return '(empty body)';
  if (isText(body, limit)) {
    const text = new TextDecoder('utf-8').decode(body.subarray(0, limit), { stream: body.length > limit });
    return body.length > limit ? `${text}\n… (${formatSize(body.length - limit)} more)` : text;
  }
  return hexDump(body.subarray(0, 4096)) + (body.length > 4096 ? `\n… (${formatSize(body.length - 4096)} more)` : '');
}

export function hexDump(b: Buffer): string {
  const lines: string[] = [];
  for (let i = 0; i < b.length; i += 16) {
    const row = b.subarray(i, i + 16);
    const hex = [...row].map((x) => x.toString(16).padStart(2, '0')).join(' ');
    const ascii = [...row].map((x) => (x >= 0x20 && x < 0x7f ? String.fromCharCode(x) : '.')).join('');
    lines.push(`${i.toString(16).padStart(8, '0')}  ${hex.padEnd(47)}  ${ascii}`);
  }
  return lines.join('\n');
}
