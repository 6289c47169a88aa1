// The web dashboard at `/`: static files built by Vite into dist/dashboard (no CDN, works offline).
// The files hold no data: every data call goes to /v1 with the API key. Hash routing means only `/`
// and hashed assets are needed; other browser paths fall back to the app, /v1 paths never do.
import { existsSync } from 'node:fs';
import fastifyStatic from '@fastify/static';
import type { FastifyReply } from 'fastify';
import type { RoutePlugin } from '../context.js';
import { ApiHttpError } from '../errors.js';
import { packagePath } from '../../util/package-root.js';

/** The package's dist/dashboard/ (Vite's output). */
export const DASHBOARD_DIR = packagePath('dist', 'dashboard') + '/';

const HTML_HEADERS = {
  'cache-control': 'no-cache',
  // Everything is same-origin; the SPA needs no inline script.
  'content-security-policy': "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
};

export const dashboardRoutes: RoutePlugin = async (app) => {
  // serve: false: we route ourselves, so a rebuilt bundle (new asset names) is served without a restart.
  await app.register(fastifyStatic, { root: DASHBOARD_DIR, serve: false });

  const sendApp = (reply: FastifyReply) => {
    if (!existsSync(`${DASHBOARD_DIR}index.html`)) {
      const e = new ApiHttpError(503, 'api_error', 'dashboard_not_built', 'The dashboard is not built: run `npm run build` (the API under /v1 works without it)');
      return reply.code(503).send(e.toBody());
    }
    return reply.headers(HTML_HEADERS).sendFile('index.html', { cacheControl: false });
  };

  // The files hold no data, so they need no key (the app asks for it, then calls /v1 with it).
  const open = { config: { public: true } };
  app.get('/', open, (_req, reply) => sendApp(reply));
  app.get('/index.html', open, (_req, reply) => sendApp(reply));
  app.get<{ Params: { '*': string } }>('/assets/*', open, (req, reply) =>
    // Asset names carry a content hash, so they can be cached for good.
    reply.header('x-content-type-options', 'nosniff').sendFile(`assets/${req.params['*']}`, { immutable: true, maxAge: '365d' }),
  );
  app.get<{ Params: { '*': string } }>('/*', open, (req, reply) => {
    // The decoded path the router matched (not the raw URL, where /%761/ is also /v1/).
    const path = `/${req.params['*']}`;
    const wantsHtml = (req.headers.accept ?? '').includes('text/html');
    if (path === '/v1' || path.startsWith('/v1/') || !wantsHtml) return reply.callNotFound();
    return sendApp(reply);
  });
};
