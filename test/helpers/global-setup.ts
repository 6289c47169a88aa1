// e2e tests run the built CLI: fail loudly if it was not built, instead of confusing errors later.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export default function setup(): void {
  const main = fileURLToPath(new URL('../../dist/cli/main.js', import.meta.url));
  if (!existsSync(main)) throw new Error('dist/ is missing: run `npm run build` (npm test does it for you)');
}
