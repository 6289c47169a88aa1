// Request bodies: JSON only (415 for anything else), nesting bounded at the door, and the gaps ajv
// leaves closed (a bodiless POST is `{}`; "Infinity" is not a number). Every rejection is a 400 in the
// API's shape, so nothing that could poison a later read (a 4,000-deep event) is ever stored.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { badRequest } from './errors.js';

/** Deeper than any real webhook payload; far below what JSON.parse, ajv or JSON.stringify choke on. */
export const MAX_JSON_DEPTH = 64;

export function installJsonBody(app: FastifyInstance): void {
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (_req, body, done) => {
    const text = body as string;
    // An empty body is "no body", so bodiless POSTs (enable, retry, resend) work.
    if (text.trim() === '') return done(null, undefined);
    if (jsonDepth(text, MAX_JSON_DEPTH) > MAX_JSON_DEPTH) {
      return done(badRequest(`Request body is nested more than ${MAX_JSON_DEPTH} levels deep: flatten it`, undefined, 'nesting_too_deep'), undefined);
    }
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (e) {
      return done(badRequest(`Request body is not valid JSON: ${(e as Error).message}`, undefined, 'invalid_json'), undefined);
    }
    // 1e309 parses to Infinity and would be stored as null: refuse it rather than change the data.
    if (MAYBE_HUGE_NUMBER.test(text) && hasNonFinite(value, 0)) {
      return done(badRequest('Request body has a number beyond what JSON numbers hold (about ±1.8e308): send it as a string', undefined, 'number_out_of_range'), undefined);
    }
    done(null, value);
  });
  // No body (or an empty one) on a route that takes one is `{}`: its own rules then name what is missing.
  app.addHook('preValidation', (req, _reply, done) => {
    if (req.body === undefined && req.routeOptions.schema?.body) req.body = {};
    done();
  });
  // ajv coerces the query string "Infinity" (or "1e309") to a number that passes `integer`, and skips
  // minimum/maximum for non-finite numbers (SQLite then fails): refuse them after validation.
  app.addHook('preHandler', (req, _reply, done) => {
    const bad = nonFiniteParam(req);
    done(bad ? badRequest(`Invalid '${bad}': must be a finite number`, bad) : undefined);
  });
}

/** A cheap pre-check on the text: only an exponent of 3+ digits or a 309-digit run can overflow. */
const MAYBE_HUGE_NUMBER = /[eE][+]?\d{3}|\d{309}/;

function hasNonFinite(v: unknown, depth: number): boolean {
  if (typeof v === 'number') return !Number.isFinite(v);
  if (!v || typeof v !== 'object' || depth > MAX_JSON_DEPTH) return false;
  for (const item of Array.isArray(v) ? v : Object.values(v)) if (hasNonFinite(item, depth + 1)) return true;
  return false;
}

// Runs on every request: no arrays of entries, just the own keys.
function nonFiniteParam(req: FastifyRequest): string | undefined {
  return nonFiniteKey(req.query) ?? nonFiniteKey(req.body);
}

function nonFiniteKey(source: unknown): string | undefined {
  if (!isPlainObject(source)) return undefined; // not a Buffer (ingest bodies) or an array
  for (const k in source) if (Object.hasOwn(source, k) && typeof source[k] === 'number' && !Number.isFinite(source[k])) return k;
  return undefined;
}

/** A parsed query or JSON object; not a Buffer (raw bodies) or an array. */
function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !ArrayBuffer.isView(v);
}

/**
 * The nesting depth of JSON text, counting `[` and `{` outside strings; stops early once past `limit`.
 * A scan, not a parse: it runs before JSON.parse so a hostile body never reaches a recursive reader.
 */
export function jsonDepth(text: string, limit = Infinity): number {
  let depth = 0;
  let max = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 92 /* \ */) i++;
      else if (c === 34 /* " */) inString = false;
    } else if (c === 34) inString = true;
    else if (c === 91 /* [ */ || c === 123 /* { */) {
      if (++depth > max && (max = depth) > limit) return max;
    } else if (c === 93 /* ] */ || c === 125 /* } */) depth--;
  }
  return max;
}
