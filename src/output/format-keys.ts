// Human views of API keys. The key itself appears only once, right after it is made.
import type { ApiKey, CreatedApiKey } from '../contract/api-keys.js';
import { renderFields, renderTable } from './table.js';

export function createdKey(k: CreatedApiKey): string {
  return [
    renderFields([
      ['id', k.id],
      ['name', k.name],
      ['key', k.key],
    ]),
    '',
    'Give this key to its owner now: it is not shown again (only its hash is stored).',
    'They use it as --relay-key (or --api-key); it sees only what it makes. Revoke it with `propitbox keys revoke ' + k.id + '`.',
  ].join('\n');
}

export function keysTable(list: ApiKey[]): string {
  return renderTable(
    [{ header: 'ID' }, { header: 'NAME', max: 40 }, { header: 'PREFIX' }, { header: 'CREATED' }, { header: 'REVOKED' }],
    list.map((k) => [k.id, k.name, `${k.prefix}…`, k.created, k.revoked ?? '']),
    { empty: 'No API keys yet: make one with `propitbox keys create --name NAME`' },
  );
}
