// Loads the CLI's main chunk, dist/bundle/main.cjs (see build/main-script.mjs), compiled with a V8 code
// cache: Node 20 has no compile cache of its own (module.enableCompileCache() is Node 22), and parsing
// and compiling the chunk, then the functions a command runs, was a fifth of a short command's CPU time.
// The cache lives in the state dir (code-cache/, dir 0700, files 0600), one file per build of the chunk
// (its first line names the content's hash: V8 itself checks only the source's length) and Node
// version. V8 rejects a cache from another V8 or other flags; then, or when this run's command had
// not been seen, the run ends by writing a new cache, which holds what the cache held plus what this
// command compiled. A cache that is not the user's own, or that others can write, is not read.
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const vm = require('node:vm');
const Module = require('node:module');

const FILE = path.join(__dirname, '..', 'dist', 'bundle', 'main.cjs');
const BUNDLE = path.dirname(FILE);

/** src/config/paths.ts's stateDir(), which cannot be loaded before the chunk: the cache is in <it>/code-cache. */
function cacheDir(env) {
  const set = (name) => (env[name] ? env[name] : undefined);
  const state = set('PROPITBOX_STATE_DIR') ?? path.join(set('XDG_STATE_HOME') ?? path.join(set('HOME') ?? require('node:os').homedir(), '.local', 'state'), 'propitbox');
  return path.join(state, 'code-cache');
}

/** Global options that take a value (src/cli/commands/index.ts): their values are not command words. */
const VALUE_OPTIONS = new Set(['--profile', '--api-key', '--api-url']);
/** A cache is rewritten at most this many times (each new command adds what it compiled). */
const MAX_SEEN = 32;

/**
 * The words that name the command (`webhooks list`, `trigger`): the cache records which commands it
 * has seen. A second word counts only if it looks like a subcommand, not an id, type, URL or value.
 */
function commandOf(argv) {
  const words = [];
  for (let i = 0; i < argv.length && words.length < 2; i++) {
    if (VALUE_OPTIONS.has(argv[i])) i++;
    else if (!argv[i].startsWith('-')) words.push(argv[i]);
  }
  if (words.length === 2 && !/^[a-z]+(-[a-z]+)*$/.test(words[1])) words.pop();
  return words.length ? words.join(' ') : argv.filter((a) => a.startsWith('-')).join(' ');
}

/** The cache file's content: a header (the commands it has seen) and V8's data, or undefined. */
function readCache(file) {
  let fd;
  try {
    fd = fs.openSync(file, 'r');
    const st = fs.fstatSync(fd);
    if (process.getuid && (st.uid !== process.getuid() || (st.mode & 0o022) !== 0)) return undefined;
    const buf = fs.readFileSync(fd);
    const end = buf.indexOf(10);
    if (end < 0) return undefined;
    const seen = JSON.parse(buf.subarray(0, end).toString('utf8'));
    return Array.isArray(seen) ? { seen, data: buf.subarray(end + 1) } : undefined;
  } catch {
    return undefined;
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
  }
}

function writeCache(dir, file, seen, script) {
  const tmp = `${file}.${process.pid}.tmp`;
  try {
    const data = script.createCachedData();
    fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
    fs.writeFileSync(tmp, Buffer.concat([Buffer.from(JSON.stringify(seen) + '\n'), data]), { mode: 0o600 });
    fs.renameSync(tmp, file);
    // Caches of builds not run for a week (an upgrade leaves one behind; two installs may share the dir).
    const old = Date.now() - 7 * 86_400_000;
    for (const name of fs.readdirSync(dir)) {
      const other = path.join(dir, name);
      const st = name.endsWith('.bin') && other !== file ? fs.statSync(other) : undefined;
      if (st && st.atimeMs < old && st.mtimeMs < old) fs.rmSync(other, { force: true });
    }
  } catch {
    // A cache only saves time: a read-only or full disk, or a file where the dir goes, costs nothing else.
    try {
      fs.rmSync(tmp, { force: true });
    } catch {
      // no dir, no temp file
    }
  }
}

/** Dynamic import() for the chunk: relative specifiers name the bundle's other chunks. */
function importFromBundle(specifier) {
  return import(specifier.startsWith('.') ? require('node:url').pathToFileURL(path.join(BUNDLE, specifier)).href : specifier);
}

/**
 * The main chunk's exports, and `done()` to call when the command has finished (it writes the cache
 * when there is something to add). PROPITBOX_DEBUG: Node's own require, which applies the source map.
 */
function loadMain(argv, env) {
  if (env.PROPITBOX_DEBUG) return { exports: require(FILE), done() {} };
  const source = fs.readFileSync(FILE, 'utf8');
  const hash = /^\/\/ propitbox main (\w+)/.exec(source)?.[1];
  const dir = cacheDir(env);
  const file = path.join(dir, `main-${hash}-${process.version}-${process.arch}.bin`);
  const cache = hash ? readCache(file) : undefined;
  // NODE_DEBUG=module traces every file Node's loader loads; this one it does not see.
  require('node:util').debuglog('module')('load %s with a V8 code cache: %s', FILE, cache ? file : 'none');
  // Module.wrap's shape, with the dynamic import as one more parameter; line numbers stay the file's.
  const wrapped = `(function (exports, require, module, __filename, __dirname, __propitboxImport) {${source}\n})`;
  const script = new vm.Script(wrapped, { filename: FILE, cachedData: cache?.data });
  const mod = new Module(FILE, module);
  mod.filename = FILE;
  // The ES module face of the chunk (for the lazy chunks) requires main.cjs: it gets this instance.
  require.cache[FILE] = mod;
  script.runInThisContext().call(mod.exports, mod.exports, Module.createRequire(FILE), mod, FILE, BUNDLE, importFromBundle);
  mod.loaded = true;
  const command = commandOf(argv);
  return {
    exports: mod.exports,
    done() {
      const fresh = !cache || script.cachedDataRejected;
      if (!hash || (!fresh && (cache.seen.includes(command) || cache.seen.length >= MAX_SEEN)) || mod.exports.v8FlagsChanged()) return;
      writeCache(dir, file, fresh ? [command] : [...cache.seen, command], script);
    },
  };
}

module.exports = { loadMain };
