// A rolldown plugin that turns the CLI's many lazy imports into a few chunks, one per family of
// commands. The sources import heavy code lazily (`await import('../../services/dev.js')`) so a text
// command never loads the emulator, Ink or undici; bundled as they are, each such import would be a
// chunk of its own (dozens of small files, each a round trip through the ESM loader at start-up).
// Here every module belongs to a family (familyOf: main, or a heavy one such as server or tui):
// - a lazy import of a `main` module, or of one in the importer's own family, becomes a static import
//   (`Promise.resolve(namespace)`): the module is in a chunk that is loading anyway;
// - a lazy import across into another family goes through that family's barrel, a virtual module
//   exporting the namespace of every module the sources import lazily in it: one chunk per family.
// Only relative specifiers are rewritten; packages and node: builtins stay as they are.
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

const LAZY = /\bimport\('(\.{1,2}\/[^']+)'\)/g;
const PREFIX = 'propitbox-lazy:';

/** Every .js file below `dir`, except the folders named in `skip`. */
function jsFiles(dir, skip) {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && e.name.endsWith('.js'))
    .map((e) => join(e.parentPath, e.name))
    .filter((f) => !skip.some((s) => f.startsWith(join(dir, s) + '/')));
}

/** The namespace's export name in a barrel: the module's path below the root. */
const keyOf = (rel) => rel.replace(/[^A-Za-z0-9]/g, '_');

/**
 * root: the folder of the modules to rewrite (tsc's output); familyOf(pathBelowRoot) -> family name,
 * 'main' for the code every command may load; skip: folders below root that are not the CLI's.
 */
export function lazyFamilies({ root, familyOf, skip = [] }) {
  const rel = (abs) => relative(root, abs).split('\\').join('/');
  const inRoot = (id) => id.startsWith(root + '/') && !skip.some((s) => id.startsWith(join(root, s) + '/'));
  /** family -> the modules the sources import lazily in it (absolute paths). */
  const barrels = new Map();
  return {
    name: 'propitbox-lazy-families',
    buildStart() {
      barrels.clear();
      for (const file of jsFiles(root, skip)) {
        for (const [, spec] of readFileSync(file, 'utf8').matchAll(LAZY)) {
          const target = resolve(dirname(file), spec);
          const family = familyOf(rel(target));
          if (family === 'main') continue;
          if (!barrels.has(family)) barrels.set(family, new Set());
          barrels.get(family).add(target);
        }
      }
    },
    resolveId(source) {
      return source.startsWith(PREFIX) ? '\0' + source : null;
    },
    load(id) {
      if (!id.startsWith('\0' + PREFIX)) return null;
      const targets = [...(barrels.get(id.slice(PREFIX.length + 1)) ?? [])].sort();
      return targets.map((t) => `export * as ${keyOf(rel(t))} from ${JSON.stringify(t)};`).join('\n');
    },
    transform(code, id) {
      if (!inRoot(id) || !code.includes('import(')) return null;
      const own = familyOf(rel(id));
      const statics = [];
      const out = code.replace(LAZY, (whole, spec) => {
        const target = resolve(dirname(id), spec);
        const family = familyOf(rel(target));
        if (family === 'main' || family === own) {
          statics.push(`import * as __lazy${statics.length} from ${JSON.stringify(spec)};`);
          return `Promise.resolve(__lazy${statics.length - 1})`;
        }
        return `import(${JSON.stringify(PREFIX + family)}).then((m) => m.${keyOf(rel(target))})`;
      });
      return { code: statics.join('\n') + (statics.length ? '\n' : '') + out, map: null };
    },
  };
}
