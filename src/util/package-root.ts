// The package's own folder (package.json, fixtures/, dist/dashboard/), found from where this code runs:
// the sources under test (src/util/), tsc's output (dist/util/) and the bundle (dist/bundle/) sit at
// different depths, so a fixed '../..' would be right for only one of them.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

let root: string | undefined;

export function packageRoot(): string {
  if (root !== undefined) return root;
  const start = dirname(fileURLToPath(import.meta.url));
  for (let dir = start; ; dir = dirname(dir)) {
    const pkg = join(dir, 'package.json');
    if (existsSync(pkg) && (JSON.parse(readFileSync(pkg, 'utf8')) as { name?: string }).name === 'propitbox') return (root = dir);
    if (dirname(dir) === dir) throw new Error(`propitbox's package.json not found above ${start}`);
  }
}

/** A path inside the package, e.g. packagePath('fixtures'). */
export function packagePath(...parts: string[]): string {
  return join(packageRoot(), ...parts);
}
