// A rolldown plugin that fills src/cli/commands/root-index.ts's ROOT_INDEX in the bundle: the root
// help's list of top-level commands (term and description), taken from the whole command tree that
// tsc's output builds, so the bundle's `propitbox --help` prints the same text without declaring
// every subcommand and option first. test/e2e/help-and-hints.test.ts compares the two.
import { pathToFileURL } from 'node:url';

const EMPTY = 'export const ROOT_INDEX = undefined;';

export function rootIndex({ dist }) {
  const file = `${dist}/cli/commands/root-index.js`;
  return {
    name: 'propitbox-root-index',
    async transform(code, id) {
      if (id !== file) return null;
      if (!code.includes(EMPTY)) throw new Error(`root-index: ${file} has no '${EMPTY}' to fill`);
      const { buildProgram } = await import(pathToFileURL(`${dist}/cli/program.js`).href);
      const { rootEntries } = await import(pathToFileURL(file).href);
      const entries = rootEntries(await buildProgram());
      return { code: code.replace(EMPTY, `export const ROOT_INDEX = ${JSON.stringify(entries)};`), map: null };
    },
  };
}
