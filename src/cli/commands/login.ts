// `propitbox login` / `logout`: store an API key (and URL) in a profile, verifying it when the API answers.
import type { CommandUnknownOpts } from '@commander-js/extra-typings';
import { examples, globals } from './shared.js';
import { UsageError } from '../../errors.js';
import { checkProfileName } from './config/index.js';
import { stderr, stdin } from '../../util/io.js';

async function readStdin(): Promise<string> {
  if (stdin().isTTY) throw new UsageError('--with-key reads the key from stdin: pipe it, e.g. `echo "$KEY" | propitbox login --with-key`');
  let text = '';
  for await (const chunk of stdin()) text += chunk;
  return text.trim();
}

export function registerLogin(program: CommandUnknownOpts): void {
  program
    .command('login')
    .description('save an API key (and API URL) in a profile; verifies it against the API when reachable')
    .option('--with-key', 'read the API key from stdin (keeps it out of shell history)')
    .option('--use', 'make this profile the current one (the first login does so anyway)')
    .addHelpText(
      'after',
      `
Global options used here: --api-key KEY, --api-url URL, --profile NAME (default: "default", or env PROPITBOX_PROFILE).
The first login makes its profile current; a later one to another profile leaves the current one
(e.g. dev's 'local') as it is unless you pass --use, and says how to switch.
The config file is written with mode 0600; keys are shown masked everywhere unless --show-secret.` +
        examples(
          'propitbox login --api-key "$RCMANAGER_API_KEY"',
          'propitbox login --api-key "$RCMANAGER_API_KEY" --use      # and switch to this profile',
          'echo "$PROPITBOX_KEY" | propitbox login --with-key --profile ci',
          'propitbox login --api-key ppk_test_… --api-url http://127.0.0.1:4480 --profile local',
        ),
    )
    .action(async (opts, cmd) => {
      const g = globals(cmd);
      if (opts.withKey && g.apiKey) throw new UsageError('Pass the key either with --api-key or on stdin with --with-key, not both');
      const key = opts.withKey ? await readStdin() : g.apiKey;
      if (!key) throw new UsageError('No API key given: run `propitbox login --api-key KEY` or pipe it with `--with-key`');
      if (/\s/.test(key)) throw new UsageError('The API key contains whitespace: check what you pasted');
      if (/…|\.\.\./.test(key)) throw new UsageError(`'${key}' is the placeholder from the docs, not a key: pass your API key (RCManager Settings -> API), e.g. --api-key "$RCMANAGER_API_KEY"`);
      const { env } = await import('../../util/env.js');
      const { readConfig, updateProfile } = await import('../../config/store.js');
      const { DEFAULT_API_URL } = await import('../../config/resolve.js');
      const name = checkProfileName(g.profile ?? env('PROPITBOX_PROFILE') ?? 'default');
      const apiUrl = (g.apiUrl ?? env('PROPITBOX_API_URL') ?? readConfig().profiles[name]?.api_url ?? DEFAULT_API_URL).replace(/\/+$/, '');
      const { assertHttpUrl } = await import('../../api/url.js');
      assertHttpUrl(apiUrl, 'API URL');
      const { verifyKey } = await import('./login-verify.js');
      const verdict = await verifyKey(apiUrl, key); // throws on a rejected key: nothing is saved
      const before = readConfig().current_profile;
      const after = updateProfile(name, { api_key: key, api_url: apiUrl }, { makeCurrent: opts.use === true }).current_profile;
      const { mask } = await import('../../util/mask.js');
      stderr().write(`${verdict}\nSaved API key ${mask(key)} for ${apiUrl} in profile '${name}'${currentNote(name, before, after)}\n`);
    });

  program
    .command('logout')
    .description('remove the API key from a profile (the selected one, or --all)')
    .option('--all', 'remove the API keys of every profile')
    .addHelpText('after', examples('propitbox logout', 'propitbox --profile staging logout', 'propitbox logout --all'))
    .action(async (opts, cmd) => {
      const { readConfig, writeConfig } = await import('../../config/store.js');
      const { resolveConfig } = await import('../../config/resolve.js');
      const cfg = readConfig();
      const names = opts.all ? Object.keys(cfg.profiles) : [resolveConfig({ profile: globals(cmd).profile }).profileName];
      const removed = names.filter((n) => cfg.profiles[n]?.api_key);
      for (const n of removed) delete cfg.profiles[n].api_key;
      if (removed.length) writeConfig(cfg);
      stderr().write(removed.length ? `Removed the API key from profile${removed.length > 1 ? 's' : ''} ${removed.map((n) => `'${n}'`).join(', ')}\n` : `No API key stored in ${names.map((n) => `'${n}'`).join(', ') || 'any profile'}: nothing to do\n`);
    });
}

/** Whether the login switched profiles, and how to switch (or switch back). */
function currentNote(name: string, before: string | undefined, after: string | undefined): string {
  if (after !== name) return `. The current profile stays '${after}': use this one with --profile ${name}, or make it current with \`propitbox config set current_profile ${name}\``;
  if (before && before !== name) return ` (now the current profile; back with \`propitbox config set current_profile ${before}\`)`;
  return ' (the current profile).';
}
