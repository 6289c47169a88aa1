// A request body for people: text when it is UTF-8 without control characters, else a hex dump.
// Pure; shared by the CLI's views and the TUI's details pane.
import { formatSize } from './size.js';

/** UTF-8 text when the bytes are valid UTF-8 without control characters, else a hex dump (first 4 KiB). */
export function bodyText(body: Buffer, limit = 64 * 1024): string {
  if (!body.length) return '(empty body)';
  const text = new TextDecoder('utf-8', { fatal: false }).decode(body.subarray(0, limit));
  // eslint-disable-next-line no-control-regex
  const binary = text.includes('\uFFFD') || /[\x00-\x08\x0e-\x1f]/.test(text);
  if (!binary) return body.length > limit ? `${text}\n… (${formatSize(body.length - limit)} more)` : text;
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
