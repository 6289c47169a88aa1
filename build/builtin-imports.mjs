// A rolldown plugin that turns each chunk's static imports of Node built-ins into
// `process.getBuiltinModule()` calls (Node >= 20.16). Why: an ES module that imports a built-in gets
// the built-in's whole namespace, and Node builds it by reading every export, getters included:
// `import { readFileSync } from 'node:fs'` loads fs/promises and the fs streams, `node:crypto` loads
// webcrypto, `node:util` parseArgs and MIME; about a fifth of `propitbox --help`'s CPU time went there.
// A getBuiltinModule call reads only the names the chunk uses. Safe here because the chunks form no
// import cycle (a chunk's dependencies finish before its first line runs), so the constants are set
// before any code of the chunk can use them.
const BUILTIN_IMPORT = /^import (.+?) from "(node:[\w/]+)";$/gm;

/** `{ a, b as c }` -> `{ a, b: c }` (an import clause's names as a destructuring pattern). */
const pattern = (names) => names.replace(/\s+as\s+/g, ': ');

function rewrite(clause, spec) {
  const get = `process.getBuiltinModule(${JSON.stringify(spec)})`;
  const star = /^\* as (\S+)$/.exec(clause);
  // A namespace import (the chunks only read its members, never its `default`).
  if (star) return `const ${star[1]} = ${get};`;
  const m = /^(?:([\w$]+)\s*,?\s*)?(\{[^}]*\})?$/.exec(clause.trim());
  if (!m) throw new Error(`builtin-imports: cannot rewrite import ${clause} from "${spec}"`);
  const [, def, named] = m;
  if (def && named) return `const ${def} = ${get}; const ${pattern(named)} = ${def};`;
  if (def) return `const ${def} = ${get};`;
  return `const ${pattern(named)} = ${get};`;
}

export function builtinImports() {
  return {
    name: 'propitbox-builtin-imports',
    renderChunk(code) {
      if (!code.includes('from "node:')) return null;
      return { code: code.replace(BUILTIN_IMPORT, (_whole, clause, spec) => rewrite(clause, spec)), map: null };
    },
  };
}
