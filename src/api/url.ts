// URL checks shared by commands; kept apart from client.ts so checking a URL never loads undici.
import { UsageError } from '../errors.js';

export function assertHttpUrl(value: string, what: string): void {
  let u: URL;
  try {
    u = new URL(value);
  } catch {
    throw new UsageError(`${what} '${value}' is not a valid URL: use http://… or https://…`);
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new UsageError(`${what} '${value}' must be http:// or https://, not ${u.protocol}`);
}
