#!/usr/bin/env node
// Tiny on purpose, and CommonJS (bin/package.json) so Node loads it without its ESM loader: `--version`
// answers without loading anything; everything else requires the bundle built by `npm run build`
// (dist/bundle/, see build/rolldown.config.mjs), an ES module loaded synchronously (require(esm), Node >= 20.19).
const argv = process.argv.slice(2);
if (argv.length === 1 && (argv[0] === '--version' || argv[0] === '-V')) {
  process.stdout.write(require('../package.json').version + '\n');
} else {
  // The bundle's source maps, for the stack traces PROPITBOX_DEBUG=1 prints.
  if (process.env.PROPITBOX_DEBUG) process.setSourceMapsEnabled(true);
  require('../dist/bundle/propitbox.js')
    .main(argv)
    .then((code) => (process.exitCode = code));
}
