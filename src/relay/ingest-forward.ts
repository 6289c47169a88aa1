// How an ingested request is re-sent to the local app: the sender's own header pairs, in order with
// duplicates, minus hop-by-hop ones (Connection and the names it lists, Keep-Alive, Proxy-*, TE, Trailer,
// Transfer-Encoding, Upgrade) and the framing the transport sets from the exact bytes (Content-Length);
// Host becomes the target's and the original goes in X-Forwarded-Host; X-Propitbox-Ingest-Id is added.
// No propitbox signature: the sender's own signature is the one the app checks. Pure.
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'te', 'trailer', 'transfer-encoding', 'upgrade', 'content-length']);

/** Flat [name, value, …] pairs for the forward to `targetHost`. `extra` (the user's --headers) replace same-named ones. */
export function forwardHeaders(pairs: ReadonlyArray<readonly [string, string]>, targetHost: string, ingestId: string, extra: Record<string, string> = {}): string[] {
  const listed = new Set<string>();
  for (const [k, v] of pairs) if (k.toLowerCase() === 'connection') for (const name of v.split(',')) listed.add(name.trim().toLowerCase());
  const extraNames = new Set(Object.keys(extra).map((k) => k.toLowerCase()));
  const hasForwardedHost = pairs.some(([k]) => k.toLowerCase() === 'x-forwarded-host');
  const out: string[] = [];
  let hostDone = false;
  for (const [k, v] of pairs) {
    const name = k.toLowerCase();
    if (HOP_BY_HOP.has(name) || listed.has(name) || name.startsWith('proxy-') || extraNames.has(name) || name === 'x-propitbox-ingest-id') continue;
    if (name === 'host') {
      if (hostDone) continue;
      hostDone = true;
      out.push(k, targetHost);
      if (!hasForwardedHost) out.push('X-Forwarded-Host', v);
      continue;
    }
    out.push(k, v);
  }
  if (!hostDone) out.unshift('Host', targetHost);
  for (const [k, v] of Object.entries(extra)) out.push(k, v);
  out.push('X-Propitbox-Ingest-Id', ingestId);
  return out;
}

/** The URL to send to: the target, plus with `keepPath` the path after the token and the sender's query. */
export function ingestTargetUrl(target: string, path: string, query: string, keepPath: boolean): string {
  if (!keepPath || (!path && !query)) return target;
  const u = new URL(target);
  if (path) u.pathname = u.pathname.replace(/\/+$/, '') + path;
  const base = u.toString().replace(/\?.*$/, '').replace(/#.*$/, '');
  const queries = [u.search.replace(/^\?/, ''), query].filter(Boolean);
  return queries.length ? `${base}?${queries.join('&')}` : base;
}

/** Pairs as one record for display (repeats joined with ", "). */
export function headerRecord(flat: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (let i = 0; i + 1 < flat.length; i += 2) {
    const k = flat[i].toLowerCase();
    out[k] = k in out ? `${out[k]}, ${flat[i + 1]}` : flat[i + 1];
  }
  return out;
}
