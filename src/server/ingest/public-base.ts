// The base of the URLs this server hands out (ingest URLs): --public-url when the server sits behind a
// proxy, else the scheme and Host the client used (a client behind a port forward gets a URL that works
// the same way for it).
import type { FastifyRequest } from 'fastify';
import type { ServerContext } from '../context.js';

export function publicBase(req: FastifyRequest, ctx: ServerContext): string {
  if (ctx.publicUrl) return ctx.publicUrl.replace(/\/+$/, '');
  return `${req.protocol}://${req.headers.host ?? new URL(ctx.url()).host}`;
}
