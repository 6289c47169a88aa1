// JSON schemas shared by the API routes (validated by fastify's built-in ajv).
import type { List } from '../../contract/v1.js';
import type { Page, PageQuery } from '../store/paginate.js';

export const idParams = {
  type: 'object',
  required: ['id'],
  properties: { id: { type: 'string', minLength: 1, maxLength: 128 } },
} as const;

export const pageQueryProps = {
  limit: { type: 'integer', minimum: 1, maximum: 100, default: 20 },
  starting_after: { type: 'string', minLength: 1, maxLength: 128 },
} as const;

export const listQuery = {
  type: 'object',
  additionalProperties: false,
  properties: pageQueryProps,
} as const;

export const eventTypeField = { type: 'string', minLength: 1, maxLength: 128 } as const;
/** An id used as a list filter (we_…, ls_…, evt_…): letters, digits and _ only. */
export const idFilter = { type: 'string', minLength: 1, maxLength: 128, pattern: '^[A-Za-z0-9_]+$' } as const;
export const deliveryStatusField = { type: 'string', enum: ['pending', 'succeeded', 'failed'] } as const;
export const dataField = { type: 'object' } as const;

export function toList<T>(page: Page<T>): List<T> {
  return { object: 'list', data: page.rows, has_more: page.has_more };
}

export function pageOf(q: { limit?: number; starting_after?: string }): PageQuery {
  return { limit: q.limit ?? 20, starting_after: q.starting_after };
}
