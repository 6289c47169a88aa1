// A rolldown plugin that turns the main chunk (what every command loads) into a CommonJS module,
// dist/bundle/main.cjs, so that bin/propitbox.js can compile it with a V8 code cache (bin/load-main.js):
// Node 20 offers no compile cache for ES modules, and parsing and compiling the main chunk was a
// fifth of a short command's CPU time. The lazy chunks stay ES modules (Ink's dependencies use
// top-level await); they import the main chunk's ESM facade, which requires main.cjs, so there is one
// instance of every module however the CLI started.
// main.cjs is the chunk's code with (1) rolldown's runtime helpers inlined in place of their import
// (they are stateless), (2) `import(...)` calling __import, which the loader supplies (a script
// compiled by node:vm has no dynamic import of its own) or, for a built-in, process.getBuiltinModule,
// (3) import.meta replaced by the CommonJS equivalents and (4) the export list as module.exports,
// then stripped of whitespace (names and code unchanged). Its source map is the chunk's composed with
// the minifier's, so PROPITBOX_DEBUG stack traces still point where they did.
import { createHash } from 'node:crypto';
import { decode, encode } from '@jridgewell/sourcemap-codec';
import { minifySync } from 'rolldown/experimental';

export const MAIN_SCRIPT = 'main.cjs';

/**
 * Source map composition: `outer` maps the minified code to `full`'s lines and columns, `inner` maps
 * `full` to the sources; the result maps the minified code to the sources (decoded segments).
 */
function compose(outer, inner) {
  return outer.map((line) =>
    line.flatMap(([col, , fullLine, fullCol]) => {
      if (fullLine === undefined) return [];
      const segs = inner[fullLine] ?? [];
      let hit;
      for (const seg of segs) {
        if (seg[0] > fullCol) break;
        hit = seg;
      }
      return hit && hit.length >= 4 ? [[col, ...hit.slice(1)]] : [];
    }),
  );
}

/** `export { a as b, c };` -> [['a', 'b'], ['c', 'c']]. */
function exportList(code, file) {
  const m = /^export \{([^}]*)\};$/m.exec(code);
  if (!m) throw new Error(`main-script: no export list in ${file}`);
  return m[1].split(',').map((s) => s.trim()).filter(Boolean).map((s) => {
    const [local, exported = local] = s.split(/\s+as\s+/);
    return [local, exported];
  });
}

/** The runtime chunk's code as statements for main.cjs: its createRequire becomes the module's require. */
function inlineRuntime(code) {
  return code
    .replace(/^const \{ createRequire \} = process\.getBuiltinModule\("node:module"\);\n/m, '')
    .replace('createRequire(import.meta.url)', 'require')
    .replace(/^export \{[^}]*\};\n?/m, '')
    .replace(/\n\/\/# sourceMappingURL=.*\n?$/, '\n')
    .trimEnd();
}

export function mainScript({ chunk: chunkName = 'main', entry = 'propitbox.js' } = {}) {
  return {
    name: 'propitbox-main-script',
    generateBundle(_options, bundle) {
      const main = Object.values(bundle).find((c) => c.type === 'chunk' && c.name === chunkName && !c.isEntry);
      if (!main) throw new Error(`main-script: no chunk named ${chunkName}`);
      const code = main.code.replace(/\n\/\/# sourceMappingURL=.*\n?$/, '\n');
      const lines = code.split('\n');
      // The runtime import, if any, is the chunk's first line; every other import is gone (built-ins
      // were rewritten by builtin-imports.mjs) or would be a second copy of shared state: refuse.
      let runtime = '';
      if (/^import .* from "\.\/rolldown-runtime-[^"]+";$/.test(lines[0])) {
        const file = /"\.\/([^"]+)"/.exec(lines[0])[1];
        const rt = bundle[file];
        const names = /^import \{([^}]*)\}/.exec(lines[0])[1].split(',').map((s) => s.trim().split(/\s+as\s+/));
        const exported = new Map(exportList(rt.code, file).map(([local, name]) => [name, local]));
        const renames = names.map(([name, local = name]) => [local, exported.get(name)]).filter(([local, inner]) => local !== inner);
        runtime = [inlineRuntime(rt.code), ...renames.map(([local, inner]) => `const ${local} = ${inner};`)].join('\n');
      }
      const body = runtime ? lines.slice(1) : lines;
      const stray = body.find((l) => /^import /.test(l));
      if (stray) throw new Error(`main-script: ${main.fileName} still imports: ${stray}`);
      const exports = exportList(code, main.fileName);
      // The entry (propitbox.js) re-exports some of them under their own names: main.cjs has those too.
      const entryChunk = bundle[entry];
      const aliases = entryChunk ? exportList(entryChunk.code.replace(/ from "[^"]+";/, ';'), entry) : [];
      const local = new Map(exports.map(([l, e]) => [e, l]));
      let text = body.join('\n')
        .replace(/^export \{[^}]*\};$/m, `module.exports = { ${[...exports.map(([l, e]) => `${e}: ${l}`), ...aliases.map(([e, name]) => `${name}: ${local.get(e)}`)].join(', ')} };`)
        .replace(/(?<![\w$.])import\((?="node:)/g, '__importBuiltin(')
        .replace(/(?<![\w$.])import\(/g, '__import(')
        .replace(/\bimport\.meta\.url\b/g, 'require("node:url").pathToFileURL(__filename).href')
        .replace(/\bimport\.meta\.filename\b/g, '__filename')
        .replace(/\bimport\.meta\.dirname\b/g, '__dirname');
      if (/\bimport\.meta\b/.test(text)) throw new Error(`main-script: ${main.fileName} uses import.meta in a way main.cjs cannot`);
      // Loaded by bin/load-main.js, __propitboxImport is its dynamic import; required by Node, import() is the module's own.
      const prelude = [
        '"use strict";',
        'const __import = typeof __propitboxImport === "function" ? __propitboxImport : (specifier) => import(specifier);',
        // A built-in's namespace through the ESM loader reads all its exports (see builtin-imports.mjs).
        'const __importBuiltin = (specifier) => { const m = process.getBuiltinModule(specifier); return Promise.resolve(Object.create(m, { default: { value: m } })); };',
        ...(runtime ? [runtime] : []),
      ].join('\n');
      // Whitespace out (names and code unchanged): less for Node to read and V8 to take from the code
      // cache at every start (~1.5 ms of a short command's CPU).
      const full = `${prelude}\n${text.trimEnd()}\n`;
      const min = minifySync(MAIN_SCRIPT, full, { compress: false, mangle: false, codegen: { removeWhitespace: true }, sourcemap: true });
      if (min.errors?.length) throw new Error(`main-script: minifying ${MAIN_SCRIPT}: ${min.errors.map((e) => e.message).join('; ')}`);
      const hash = createHash('sha256').update(min.code).digest('hex').slice(0, 16);
      // First line: the content's hash, the key of its code cache (V8 itself checks only the length).
      const source = `// propitbox main ${hash}\n${min.code.trimEnd()}\n//# sourceMappingURL=${MAIN_SCRIPT}.map\n`;
      this.emitFile({ type: 'asset', fileName: MAIN_SCRIPT, source });
      const mapAsset = bundle[`${main.fileName}.map`];
      if (mapAsset) {
        const map = JSON.parse(String(mapAsset.source));
        // The chunk's line 1 (the runtime import) is gone when there was one; the prelude comes before the rest.
        const mappings = runtime ? map.mappings.slice(map.mappings.indexOf(';') + 1) : map.mappings;
        const toChunk = decode(';'.repeat(prelude.split('\n').length) + mappings);
        // The head line, then each minified segment pointed at what its place in `full` points at.
        map.mappings = encode([[], ...compose(decode(min.map.mappings), toChunk)]);
        map.file = MAIN_SCRIPT;
        this.emitFile({ type: 'asset', fileName: `${MAIN_SCRIPT}.map`, source: JSON.stringify(map) });
        delete bundle[`${main.fileName}.map`];
      }
      // The facade the ES modules import: the same instance (bin/load-main.js puts it in require's cache).
      main.code = [
        `// The main chunk is ${MAIN_SCRIPT} (see build/main-script.mjs); this is its face for the ES modules.`,
        `const __propitboxMain = process.getBuiltinModule("node:module").createRequire(import.meta.url)("./${MAIN_SCRIPT}");`,
        `export const { ${exports.map(([, e]) => e).join(', ')} } = __propitboxMain;`,
        '',
      ].join('\n');
      main.map = null;
    },
  };
}
