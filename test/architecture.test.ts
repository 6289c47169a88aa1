// The dependency rules of the layout (README "How the code is laid out"), checked on the import graph
// of src/ so a change that breaks one fails `npm test` with the import chain that does it.
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { buildImportGraph, pathTo, type Edge } from './helpers/import-graph.js';

const graph = buildImportGraph(fileURLToPath(new URL('../src', import.meta.url)));
const files = [...graph.keys()];
const under = (folder: string) => (f: string) => f.startsWith(`${folder}/`);
const inAny = (folders: string[]) => (f: string) => folders.some((d) => under(d)(f));

const DOMAIN = ['api', 'contract', 'relay', 'server', 'signing', 'outbound', 'fixtures', 'domain', 'config', 'services'];
const UI_PACKAGES = ['ink', 'react', 'react-dom', 'chalk', 'commander', '@commander-js/extra-typings'];

/** Files that load a UI package at runtime. */
const uiFiles = new Set(files.filter((f) => graph.get(f)!.some((e) => e.external && !e.typeOnly && UI_PACKAGES.includes(e.to))));

function directViolations(from: (f: string) => boolean, bad: (e: Edge) => boolean): string[] {
  return files.filter(from).flatMap((f) => graph.get(f)!.filter(bad).map((e) => `${f} imports ${e.to}${e.typeOnly ? ' (types)' : ''}`));
}

function reachViolations(from: (f: string) => boolean, bad: (f: string) => boolean): string[] {
  return files.filter(from).flatMap((f) => {
    const chain = pathTo(graph, f, bad);
    return chain && chain.length > 1 ? [chain.join(' -> ')] : [];
  });
}

describe('architecture rules', () => {
  it('reads static, dynamic and type-only imports (the rules below see every edge)', () => {
    const edge = (from: string, to: string) => graph.get(from)?.find((e) => e.to === to);
    expect(edge('cli/commands/dev.ts', 'services/dev.ts')).toMatchObject({ dynamic: true, typeOnly: false });
    expect(edge('services/listen.ts', 'output/listen/renderer.ts')).toMatchObject({ typeOnly: true });
    expect(edge('cli/main.ts', '@commander-js/extra-typings')).toMatchObject({ external: true, typeOnly: false });
    expect(files.length).toBeGreaterThan(100);
  });

  it('nothing below src/cli/ imports it', () => {
    expect(directViolations((f) => !under('cli')(f), (e) => !e.external && under('cli')(e.to))).toEqual([]);
  });

  it('domain folders never import ink, react, chalk or commander, not even through another module', () => {
    const domain = inAny(DOMAIN);
    expect(directViolations(domain, (e) => e.external && UI_PACKAGES.includes(e.to))).toEqual([]);
    expect(reachViolations(domain, (f) => uiFiles.has(f))).toEqual([]);
  });

  it('the server never imports the CLI, the TUI, output or the dashboard sources', () => {
    const forbidden = inAny(['cli', 'tui', 'output', 'dashboard']);
    expect(directViolations(under('server'), (e) => !e.external && forbidden(e.to))).toEqual([]);
    expect(reachViolations(under('server'), forbidden)).toEqual([]);
  });

  it('commands get typed options: commander is imported only through @commander-js/extra-typings', () => {
    expect(directViolations(() => true, (e) => e.external && e.to === 'commander')).toEqual([]);
  });

  it('the dashboard imports only the contract and the domain from the rest of src/', () => {
    const allowed = inAny(['dashboard', 'contract', 'domain']);
    expect(directViolations(under('dashboard'), (e) => !e.external && !allowed(e.to))).toEqual([]);
  });
});
