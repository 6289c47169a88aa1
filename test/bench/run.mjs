// `npm run bench`: runs every section in test/bench/sections/ (sorted), each printing its figures as
// ratios against a baseline measured in the same run, plus absolute figures for reference.
// Usage: npm run bench [-- section-name ...]
import { readdirSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { join } from 'node:path';
import os from 'node:os';

const dir = fileURLToPath(new URL('./sections/', import.meta.url));
const only = process.argv.slice(2);
const files = readdirSync(dir).filter((f) => f.endsWith('.mjs')).sort().filter((f) => !only.length || only.some((o) => f.includes(o)));
console.log(`propitbox bench — node ${process.version}, ${os.cpus().length} cores, ${os.cpus()[0]?.model ?? ''}`);
let failed = 0;
for (const f of files) {
  console.log(`\n## ${f.replace(/^\d+-/, '').replace(/\.mjs$/, '')}`);
  try {
    const mod = await import(pathToFileURL(join(dir, f)).href);
    await mod.run();
  } catch (e) {
    failed++;
    console.log(`  section failed: ${e?.stack ?? e}`);
  }
}
process.exit(failed ? 1 : 0);
