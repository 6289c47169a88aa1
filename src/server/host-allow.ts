// The Host allow-list, the DNS-rebinding defence (as in Vite's and webpack's dev servers): a web page on
// evil.example whose name is re-pointed at 127.0.0.1 reaches the emulator from the victim's browser,
// but its requests still say `Host: evil.example`, so they are refused (421). Pure: no I/O.
import { isIP } from 'node:net';
import { ApiHttpError } from './errors.js';

export interface HostPolicyOptions {
  /** The address the server is bound to (`127.0.0.1`, `0.0.0.0`, `::`, a name…). */
  bindHost: string;
  /** Where clients reach the server (a proxy, a tunnel): its host is allowed. */
  publicUrl?: string;
  /** More names (`--allowed-hosts`); `.example.com` allows example.com and every subdomain. */
  allowedHosts?: readonly string[];
}

const LOOPBACK = ['localhost', '127.0.0.1', '::1'];
const WILDCARD_BINDS = new Set(['', '0.0.0.0', '::', '[::]']);

export class HostPolicy {
  private readonly exact = new Set<string>();
  private readonly suffixes: string[] = [];
  /** Bound to every interface: any IP address of this machine is a way in, and no IP is a rebinding name. */
  private readonly anyIp: boolean;
  private readonly seen = new Set<string>();
  readonly publicUrl?: URL;

  constructor(o: HostPolicyOptions) {
    this.anyIp = WILDCARD_BINDS.has(o.bindHost);
    for (const h of LOOPBACK) this.exact.add(h);
    if (!this.anyIp) this.exact.add(normalizeName(o.bindHost));
    if (o.publicUrl !== undefined) {
      // Checked by the CLI (server-options.ts); a bad one from code is a bug, so throw.
      this.publicUrl = new URL(o.publicUrl);
      this.exact.add(normalizeName(this.publicUrl.hostname));
    }
    for (const raw of o.allowedHosts ?? []) {
      const h = normalizeName(raw);
      if (h.startsWith('.')) this.suffixes.push(h);
      else if (h) this.exact.add(h);
    }
  }

  /** Is this Host header value (`name`, `name:port`, `[v6]:port`) one this server answers to? */
  isAllowed(hostHeader: string | undefined): boolean {
    // No Host at all: not a browser (they always send one), so not a rebinding vector.
    if (hostHeader === undefined) return true;
    // Every request asks about the same few values: remember the allowed ones (a bounded few).
    if (this.seen.has(hostHeader)) return true;
    const ok = this.decide(hostHeader);
    if (ok && this.seen.size < 64) this.seen.add(hostHeader);
    return ok;
  }

  private decide(hostHeader: string): boolean {
    const name = hostName(hostHeader);
    if (name === null) return false;
    if (this.exact.has(name)) return true;
    // Browsers resolve *.localhost to loopback themselves (RFC 6761): no one else can own such a name.
    if (name.endsWith('.localhost')) return true;
    if (this.anyIp && isIP(name) !== 0) return true;
    return this.suffixes.some((s) => name === s.slice(1) || name.endsWith(s));
  }

  /**
   * Throws the API's 421 unless both the Host header and, for an absolute-form request target
   * (`GET http://host/v1/… HTTP/1.1`, whose authority replaces Host), the target's host are allowed.
   */
  check(hostHeader: string | undefined, rawUrl = '/'): void {
    if (!this.isAllowed(hostHeader)) throw hostNotAllowed(hostHeader ?? '');
    if (rawUrl.startsWith('/') || rawUrl === '*') return;
    let authority: string;
    try {
      authority = new URL(rawUrl).host;
    } catch {
      return; // not a URL at all: the router answers it (404)
    }
    if (authority && !this.isAllowed(authority)) throw hostNotAllowed(authority);
  }
}

export function hostNotAllowed(host: string): ApiHttpError {
  const shown = host.length > 100 ? `${host.slice(0, 100)}…` : host;
  const name = hostName(host) ?? shown;
  return new ApiHttpError(
    421,
    'invalid_request_error',
    'host_not_allowed',
    `Host '${shown}' is not allowed (DNS-rebinding protection): reach the emulator as localhost or 127.0.0.1, or start it with --allowed-hosts ${name} (or --public-url)`,
  );
}

/** The lower-case name of a Host value without port or IPv6 brackets; null when it is not a host. */
export function hostName(hostHeader: string): string | null {
  const h = hostHeader.trim().toLowerCase();
  if (!h) return null;
  if (h.startsWith('[')) {
    const end = h.indexOf(']');
    if (end < 0) return null;
    const rest = h.slice(end + 1);
    if (rest && !/^:\d{1,5}$/.test(rest)) return null;
    return h.slice(1, end);
  }
  const colon = h.lastIndexOf(':');
  if (colon >= 0) {
    if (!/^\d{1,5}$/.test(h.slice(colon + 1))) return null;
    return normalizeName(h.slice(0, colon));
  }
  return normalizeName(h);
}

function normalizeName(s: string): string {
  let h = s.trim().toLowerCase();
  if (h.startsWith('[') && h.endsWith(']')) h = h.slice(1, -1);
  // `localhost.` and `localhost` are the same name (a fully-qualified trailing dot).
  return h.endsWith('.') && h.length > 1 ? h.slice(0, -1) : h;
}

/** `--allowed-hosts a,b`: names (or `.domain` for a domain and its subdomains); a message when one is not a name. */
export function parseAllowedHosts(s: string): string[] | string {
  const list = s.split(',').map((h) => h.trim()).filter(Boolean);
  const bad = list.find((h) => !/^\.?[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*\.?$/.test(h) && isIP(h.replace(/^\[|\]$/g, '')) === 0);
  if (!list.length || bad !== undefined) return `--allowed-hosts must be comma-separated host names like app.test,.example.com (no ports), got '${bad ?? s}'`;
  return list;
}
