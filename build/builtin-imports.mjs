// A rolldown plugin that turns each chunk's static imports of Node built-ins into
// `process.getBuiltinModule()` calls (Node >= 20.16). Why: an ES module that imports a built-in gets
// the built-in's whole namespace, and Node builds it by reading every export, getters included:
// `import { readFileSync } from 'node:fs'` loads fs/promises and the fs streams, `node:crypto` loads
// webcrypto, `node:util` parseArgs and MIME; about a fifth of `propitbox --help`'s CPU time went there.
// A getBuiltinModule call reads only the names the chunk uses. Safe here because the chunks form no
// import cycle (a chunk's dependencies finish before its first line runs), so the constants are set
// before any code of the chunk can use them.
// In the chunks named in `lazy` (the main chunk: every command loads it), the built-ins listed there
// load on first use instead: a function the chunk imports from one (isIP, createHmac) becomes a
// function that loads the built-in when first called, and a CommonJS dependency's require of one
// (commander's child_process) an object that loads it when first read. `--help` never signs or spawns.
const BUILTIN_IMPORT = /^import (.+?) from "(node:[\w/]+)";$/gm;
const LAZY_BUILTINS = ['node:net', 'node:crypto', 'node:v8', 'node:child_process', 'node:os'];

/** `{ a, b as c }` -> `{ a, b: c }` (an import clause's names as a destructuring pattern). */
const pattern = (names) => names.replace(/\s+as\s+/g, ': ');

const getter = (spec) => `process.getBuiltinModule(${JSON.stringify(spec)})`;
/** The chunk-wide variable that holds a lazily loaded built-in. */
const holder = (spec) => `__lazy_${spec.replace(/\W/g, '_')}`;

function rewrite(clause, spec, lazy) {
  const get = getter(spec);
  const star = /^\* as (\S+)$/.exec(clause);
  // A namespace import (the chunks only read its members, never its `default`).
  if (star) return `const ${star[1]} = ${get};`;
  const m = /^(?:([\w$]+)\s*,?\s*)?(\{[^}]*\})?$/.exec(clause.trim());
  if (!m) throw new Error(`builtin-imports: cannot rewrite import ${clause} from "${spec}"`);
  const [, def, named] = m;
  const names = named ? named.slice(1, -1).split(',').map((s) => s.trim()).filter(Boolean).map((s) => s.split(/\s+as\s+/)) : [];
  // Only plain functions can wait (a class is constructed and compared with instanceof, a value read).
  if (lazy && !def && names.every(([name]) => /^[a-z]/.test(name) && typeof process.getBuiltinModule(spec)[name] === 'function')) {
    const h = holder(spec);
    return [`let ${h};`, ...names.map(([name, local = name]) => `const ${local} = (...args) => (${h} ??= ${get}).${name}(...args);`)].join(' ');
  }
  if (def && named) return `const ${def} = ${get}; const ${pattern(named)} = ${def};`;
  if (def) return `const ${def} = ${get};`;
  return `const ${pattern(named)} = ${get};`;
}

/** `__require("node:child_process")` (rolldown's require for bundled CommonJS) -> an object that loads it when first read. */
function lazyRequires(code) {
  let used = false;
  const out = code.replace(/__require\("((?:node:)?[\w/]+)"\)/g, (whole, name) => {
    const spec = name.startsWith('node:') ? name : `node:${name}`;
    if (!LAZY_BUILTINS.includes(spec)) return whole;
    used = true;
    return `__lazyBuiltin(${JSON.stringify(spec)})`;
  });
  if (!used) return code;
  // A declaration (hoisted) after the last line: no line of the chunk moves, so its source map holds.
  const helper = 'function __lazyBuiltin(spec) { return new Proxy({}, { get: (_, key) => process.getBuiltinModule(spec)[key] }); }';
  return out.replace(/(\n\/\/# sourceMappingURL=.*)?\n?$/, (tail) => `\n${helper}${tail}`);
}

export function builtinImports({ lazy = [] } = {}) {
  return {
    name: 'propitbox-builtin-imports',
    renderChunk(code, chunk) {
      const isLazy = lazy.includes(chunk.name);
      if (!code.includes('from "node:') && !isLazy) return null;
      let out = code.replace(BUILTIN_IMPORT, (_whole, clause, spec) => rewrite(clause, spec, isLazy && LAZY_BUILTINS.includes(spec)));
      if (isLazy) out = lazyRequires(out);
      return { code: out, map: null };
    },
  };
}
