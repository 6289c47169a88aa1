#!/usr/bin/env node
// Tiny on purpose, and CommonJS (bin/package.json) so Node loads it without its ESM loader: `--version`
// answers without loading anything; everything else runs the bundle built by `npm run build`
// (dist/bundle/, see build/rolldown.config.mjs): its main chunk, main.cjs, compiled with a code cache
// (load-main.js); the lazy chunks are ES modules it imports when a command needs them.
const argv = process.argv.slice(2);
if (argv.length === 1 && (argv[0] === '--version' || argv[0] === '-V')) {
  process.stdout.write(require('../package.json').version + '\n');
} else {
  // The bundle's source maps, for the stack traces PROPITBOX_DEBUG=1 prints.
  if (process.env.PROPITBOX_DEBUG) process.setSourceMapsEnabled(true);
  const main = loadBundle();
  if (main) {
    main.exports.main(argv).then((code) => {
      process.exitCode = code;
      main.done();
    });
  }
}

/** The main chunk; a checkout not built yet (or built before main.cjs existed) gets one line, not a stack. */
function loadBundle() {
  try {
    return require('./load-main.js').loadMain(argv, process.env);
  } catch (err) {
    const missing = (err.code === 'ENOENT' || err.code === 'MODULE_NOT_FOUND') && String(err.path ?? err.message).includes('main.cjs');
    if (!missing || process.env.PROPITBOX_DEBUG) throw err;
    const root = require('node:path').dirname(__dirname);
    process.stderr.write(`error: propitbox is not built (dist/bundle/main.cjs is missing): run \`npm run build\` in ${root}\n`);
    process.exitCode = 1;
    return null;
  }
}
