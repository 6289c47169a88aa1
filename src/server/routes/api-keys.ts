// API keys, one per developer (or CI job), managed with the admin key (`serve --admin-key`): create
// (the key is shown this once; only its hash is stored), list, revoke. A revoked key is refused at once
// on every node (the store notifies them). Each key owns what it creates; no key reaches another's.
import { newId } from '../../util/ids.js';
import { DEVELOPER_KEY_PREFIX, generateApiKey, keyHashOf } from '../auth.js';
import type { RoutePlugin } from '../context.js';
import { notFound } from '../errors.js';
import type { ApiKeyRecord } from '../store/store.js';
import { idParams } from './schemas.js';

const admin = { admin: true } as const;

function toApi(r: ApiKeyRecord) {
  return { object: 'api_key' as const, id: r.id, name: r.name, prefix: r.prefix, created: r.created, revoked: r.revoked };
}

export const apiKeyRoutes: RoutePlugin = (app, ctx) => {
  // Without an admin key there is nobody to manage keys: the routes do not exist.
  if (!ctx.auth.hasAdmin) return;
  const keys = ctx.store.keys;

  app.post<{ Body: { name: string } }>(
    '/v1/api-keys',
    { config: admin, schema: { body: { type: 'object', additionalProperties: false, required: ['name'], properties: { name: { type: 'string', minLength: 1, maxLength: 200 } } } } },
    async (req, reply) => {
      const key = generateApiKey(DEVELOPER_KEY_PREFIX);
      const rec = await keys.create({ id: newId('key'), name: req.body.name, hash: keyHashOf(key), prefix: key.slice(0, DEVELOPER_KEY_PREFIX.length + 4) });
      return reply.code(201).send({ ...toApi(rec), key });
    },
  );

  app.get('/v1/api-keys', { config: admin, schema: { querystring: { type: 'object', additionalProperties: false } } }, async () => ({ object: 'list', data: (await keys.list()).map(toApi), has_more: false }));

  app.delete<{ Params: { id: string } }>('/v1/api-keys/:id', { config: admin, schema: { params: idParams } }, async (req) => {
    if (!(await keys.revoke(req.params.id))) throw notFound('API key', req.params.id);
    return { id: req.params.id, object: 'api_key', deleted: true };
  });
};
