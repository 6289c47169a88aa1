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
  const main = require('./load-main.js').loadMain(argv, process.env);
  main.exports.main(argv).then((code) => {
    process.exitCode = code;
    main.done();
  });
}
