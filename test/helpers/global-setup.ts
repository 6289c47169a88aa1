// e2e tests run the built CLI (the bundle in dist/bundle/) and some import tsc's output (dist/): fail
// loudly if either is missing, instead of confusing errors later.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export default function setup(): void {
  for (const built of ['../../dist/cli/main.js', '../../dist/bundle/propitbox.js']) {
    if (!existsSync(fileURLToPath(new URL(built, import.meta.url)))) throw new Error('dist/ is missing: run `npm run build` (npm test does it for you)');
  }
}
