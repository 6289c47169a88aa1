// A rolldown plugin that gives src/output/color.ts its own copy of chalk without chalk's terminal
// detection. Why: chalk decides a default colour level when it loads (supports-color calls
// tty.isatty(1) and isatty(2)), and node:tty loads node:net and the socket streams: ~1.5 ms of every
// command's start-up, for a level color.ts never uses (it decides the level itself and passes it to
// `new Chalk({ level })`). Ink, in the TUI chunk, keeps the real chalk, detection included.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const ID = '\0propitbox-chalk-without-detection';

export function chalkWithoutDetection({ importer: only }) {
  const index = createRequire(import.meta.url).resolve('chalk');
  const dir = dirname(index);
  return {
    name: 'propitbox-chalk-without-detection',
    resolveId(source, importer) {
      return source === 'chalk' && importer && only.test(importer) ? ID : null;
    },
    load(id) {
      if (id !== ID) return null;
      const code = readFileSync(index, 'utf8');
      const out = code
        .replace("import supportsColor from '#supports-color';", 'const supportsColor = { stdout: false, stderr: false };')
        .replace("from '#ansi-styles';", `from ${JSON.stringify(join(dir, 'vendor/ansi-styles/index.js'))};`)
        .replace(/from '\.\/([\w/.-]+)';/g, (_, rel) => `from ${JSON.stringify(join(dir, rel))};`);
      if (/from '[#.]/.test(out) || !out.includes('const supportsColor = ')) throw new Error(`chalk-without-detection: ${index} no longer looks as expected`);
      return out;
    },
  };
}
