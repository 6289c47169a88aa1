// Test-event data from the same fixtures `propitbox trigger TYPE` sends (fixtures/<type>.json, bundled
// at build time), rendered with the CLI's own browser-safe renderer: fresh ids and times per send.
import type { WebhookEvent } from '../../../contract/v1.js';
import { renderTemplate } from '../../../domain/fixture-template.js';

type Template = Partial<WebhookEvent> & { data: Record<string, unknown> };

const modules = import.meta.glob<Template>('../../../../fixtures/*.json', { eager: true, import: 'default' });
const TEMPLATES = new Map(Object.entries(modules).map(([path, t]) => [path.replace(/^.*\//, '').replace(/\.json$/, ''), t]));

/** The rendered `data` for `type`, or undefined when there is no bundled fixture (the server then builds it). */
export function fixtureData(type: string, now = Date.now()): Record<string, unknown> | undefined {
  const template = TEMPLATES.get(type);
  return template ? renderTemplate(template.data, { now }) : undefined;
}
