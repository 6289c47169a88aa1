// The CLI as users run it: tsc's output (dist/) bundled with its JS dependencies into dist/bundle/: a
// main chunk (commander, every command's flags and help, the API client, output, fixtures, signing),
// one lazy chunk per heavy family (the emulator, listen, the TUI, PostgreSQL) and the chunks rolldown
// shares between those (undici, ws). Why: unbundled, a command loaded 30-150 files (each a trip through
// Node's module loader) and undici's hundred; see lazy-families.mjs for how the lazy imports are kept.
// better-sqlite3 (native) and pg (loaded only for --database-url) stay external dependencies.
// bin/propitbox.js runs dist/bundle/propitbox.js; tests that import modules use dist/ or src/.
import { fileURLToPath } from 'node:url';
import { builtinImports } from './builtin-imports.mjs';
import { chalkWithoutDetection } from './chalk-without-detection.mjs';
import { lazyFamilies } from './lazy-families.mjs';
import { lazyThreadId } from './lazy-thread-id.mjs';
import { rootIndex } from './root-index.mjs';
import { MAIN_SCRIPT, mainScript } from './main-script.mjs';

const dist = fileURLToPath(new URL('../dist', import.meta.url));

/** Which chunk a module of dist/ goes to; the first matching rule wins. */
const FAMILIES = [
  [/^server\/store\/pg\//, 'pg'],
  [/^(server\/|services\/(dev|serve)\.js$)/, 'server'],
  // The TUI's facade decides about NODE_ENV and CI variables before Ink loads: it stays out of the tui chunk.
  [/^tui\/index\.js$/, 'listen'],
  [/^tui\//, 'tui'],
  [/^(relay\/|services\/(listen|ingest-listen)\.js$|output\/listen\/)/, 'listen'],
  // What a few commands load in their action only.
  [/^cli\/commands\/(config\/view|completion\/(tree|scripts)|login-verify)\.js$/, 'actions'],
  [/^cli\//, 'main'],
];

export const familyOf = (rel) => FAMILIES.find(([re]) => re.test(rel))?.[1] ?? 'main';

/** dist/bundle/chunks.json: the packages in each chunk, so a test can check what a command loads. */
const chunkManifest = {
  name: 'propitbox-chunk-manifest',
  generateBundle(_options, bundle) {
    const packages = {};
    for (const chunk of Object.values(bundle)) {
      if (chunk.type !== 'chunk') continue;
      const names = chunk.moduleIds.map((id) => /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(id)?.[1]).filter(Boolean);
      packages[chunk.fileName] = [...new Set(names)].sort();
      // The main chunk runs as main.cjs (main-script.mjs); its file of the same name is the ES modules' face of it.
      if (chunk.name === 'main') packages[MAIN_SCRIPT] = packages[chunk.fileName];
    }
    this.emitFile({ type: 'asset', fileName: 'chunks.json', source: JSON.stringify(packages, null, 1) });
  },
};

export default {
  input: { propitbox: `${dist}/cli/main.js` },
  platform: 'node',
  // Native or optional: resolved at run time from node_modules (ws and pg try these and do without).
  external: ['better-sqlite3', 'pg', 'pg-native', 'bufferutil', 'utf-8-validate', 'react-devtools-core'],
  // CommonJS packages that name their own file (write-file-atomic seeds temp names with it) get the chunk's.
  transform: { define: { __filename: 'import.meta.filename', __dirname: 'import.meta.dirname' } },
  plugins: [rootIndex({ dist }), lazyThreadId(), chalkWithoutDetection({ importer: /\/dist\/output\/color\.js$/ }), lazyFamilies({ root: dist, familyOf, skip: ['bundle', 'dashboard'] }), builtinImports({ lazy: ['main'] }), chunkManifest, mainScript()],
  output: {
    dir: `${dist}/bundle`,
    format: 'esm',
    cleanDir: true,
    chunkFileNames: (chunk) => `${chunk.name.replace(/^_propitbox-lazy_/, '')}-[hash].js`,
    // JSDoc and ordinary comments are for readers of the sources, not for the parser at start-up.
    comments: { legal: true, annotation: true, jsdoc: false },
    sourcemap: true,
    // Everything the entry loads statically in one chunk: left alone, rolldown moves each module that a
    // lazy family also uses into a small chunk of its own, and the entry then loads half a dozen files.
    codeSplitting: { groups: [{ name: 'main', tags: ['$initial'] }] },
  },
};
