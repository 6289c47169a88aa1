// The import graph of src/, read with the TypeScript parser (no type checking, so it is fast): every
// static import/export-from and every dynamic import(), marked type-only when it loads no code.
import { readdirSync, readFileSync, existsSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import ts from 'typescript';

export interface Edge {
  /** A src-relative file ('server/app.ts') or a package name ('chalk', '@fastify/static'). */
  to: string;
  external: boolean;
  typeOnly: boolean;
  dynamic: boolean;
}

export type ImportGraph = Map<string, Edge[]>;

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((d) => {
    const p = join(dir, d.name);
    if (d.isDirectory()) return d.name === 'node_modules' ? [] : sourceFiles(p);
    return /\.tsx?$/.test(d.name) && !d.name.endsWith('.d.ts') ? [p] : [];
  });
}

function packageName(spec: string): string {
  const parts = spec.replace(/^node:/, 'node:').split('/');
  return spec.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
}

function resolveLocal(fromFile: string, spec: string, srcDir: string): string {
  const base = resolve(dirname(fromFile), spec);
  const candidates = [base.replace(/\.js$/, '.ts'), base.replace(/\.js$/, '.tsx'), base, `${base}.ts`, `${base}.tsx`, join(base, 'index.ts')];
  const hit = candidates.find((c) => existsSync(c) && /\.tsx?$/.test(c)) ?? base;
  return relative(srcDir, hit);
}

function importsOf(file: string, srcDir: string): Edge[] {
  const sf = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true, file.endsWith('.tsx') ? ts.ScriptKind.TSX : ts.ScriptKind.TS);
  const edges: Edge[] = [];
  const add = (spec: string, typeOnly: boolean, dynamic: boolean) => {
    const external = !spec.startsWith('.');
    edges.push({ to: external ? packageName(spec) : resolveLocal(file, spec, srcDir), external, typeOnly, dynamic });
  };
  const visit = (node: ts.Node): void => {
    if (ts.isImportDeclaration(node) && ts.isStringLiteral(node.moduleSpecifier)) {
      const c = node.importClause;
      // `import type {…}`, or `import { type A, type B }` with nothing else: erased from the output.
      const named = c?.namedBindings && ts.isNamedImports(c.namedBindings) ? c.namedBindings.elements : undefined;
      const typeOnly = !!c && (c.isTypeOnly || (!c.name && !!named && named.length > 0 && named.every((e) => e.isTypeOnly)));
      add(node.moduleSpecifier.text, typeOnly, false);
    } else if (ts.isExportDeclaration(node) && node.moduleSpecifier && ts.isStringLiteral(node.moduleSpecifier)) {
      add(node.moduleSpecifier.text, node.isTypeOnly, false);
    } else if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword) {
      const [arg] = node.arguments;
      if (arg && ts.isStringLiteralLike(arg)) add(arg.text, false, true);
      else edges.push({ to: '<computed>', external: true, typeOnly: false, dynamic: true });
    } else if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument) && ts.isStringLiteral(node.argument.literal)) {
      add(node.argument.literal.text, true, false); // typeof import('./x.js')
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  // .tsx compiles JSX to react/jsx-runtime imports.
  if (file.endsWith('.tsx')) edges.push({ to: 'react', external: true, typeOnly: false, dynamic: false });
  return edges;
}

export function buildImportGraph(srcDir: string): ImportGraph {
  const graph: ImportGraph = new Map();
  for (const file of sourceFiles(srcDir)) graph.set(relative(srcDir, file), importsOf(file, srcDir));
  return graph;
}

/** Files reachable from `from` through imports that load code (type-only imports are erased). */
export function runtimeReach(graph: ImportGraph, from: string): Set<string> {
  const seen = new Set<string>([from]);
  const stack = [from];
  while (stack.length) {
    for (const e of graph.get(stack.pop()!) ?? []) {
      if (e.external || e.typeOnly || seen.has(e.to)) continue;
      seen.add(e.to);
      stack.push(e.to);
    }
  }
  return seen;
}

/** The chain of runtime imports from `from` to `to`, for a readable failure. */
export function pathTo(graph: ImportGraph, from: string, to: (file: string) => boolean): string[] | null {
  const prev = new Map<string, string | null>([[from, null]]);
  const queue = [from];
  while (queue.length) {
    const f = queue.shift()!;
    if (to(f)) {
      const chain: string[] = [];
      for (let c: string | null | undefined = f; c; c = prev.get(c)) chain.unshift(c);
      return chain;
    }
    for (const e of graph.get(f) ?? []) {
      if (e.external || e.typeOnly || prev.has(e.to)) continue;
      prev.set(e.to, f);
      queue.push(e.to);
    }
  }
  return null;
}
