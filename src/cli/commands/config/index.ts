// `propitbox config list|get|set|unset|use`: profiles in the config file (0600, written atomically).
import type { CommandUnknownOpts } from '@commander-js/extra-typings';
import { examples, globals, group } from '../shared.js';
import { FailedError, UsageError } from '../../../errors.js';
import { note, printText } from '../../../output/print.js';

export const PROFILE_KEYS = ['api_key', 'api_url', 'listen_secret', 'relay_url', 'relay_key', 'ingest_channel'] as const;
const SECRET_KEYS = new Set(['api_key', 'listen_secret', 'relay_key']);

function checkKey(key: string): void {
  if (key === 'current_profile' || (PROFILE_KEYS as readonly string[]).includes(key)) return;
  throw new UsageError(`Unknown config key '${key}': valid keys are ${PROFILE_KEYS.join(', ')}, current_profile`);
}

export function checkProfileName(name: string): string {
  if (!/^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/.test(name)) throw new UsageError(`Bad profile name '${name}': use letters, digits, '.', '_' or '-'`);
  return name;
}

export function registerConfig(program: CommandUnknownOpts): void {
  const cfg = group(program, 'config', 'profiles and settings (API key, API URL) in the config file');
  cfg.addHelpText('after', examples('propitbox config list', 'propitbox --profile staging config set api_url https://staging.api.pro-pitbox.com', 'propitbox config set current_profile local'));
  cfg
    .command('list')
    .alias('ls')
    .description('show every profile and which values are in effect (and where they come from)')
    .option('--show-secret', 'print keys and secrets in full')
    .option('--json', 'print as JSON')
    .addHelpText('after', examples('propitbox config list', 'PROPITBOX_PROFILE=staging propitbox config list --json'))
    .action(async (opts, cmd) => {
      const { configView, configText } = await import('./view.js');
      const view = configView(globals(cmd), !!opts.showSecret);
      const { printJson, printText } = await import('../../../output/print.js');
      if (opts.json) printJson(view);
      else printText(configText(view));
    });

  cfg
    .command('get')
    .argument('<key>', `${PROFILE_KEYS.join(' | ')} | current_profile`)
    .description('print one value of the selected profile (secrets only with --show-secret)')
    .option('--show-secret', 'print api_key / listen_secret / relay_key (without it they are not printed: exit 1)')
    .addHelpText('after', examples('propitbox config get api_url', 'KEY=$(propitbox --profile local config get api_key --show-secret)', '# see a masked key with `propitbox config list`'))
    .action(async (key, opts, cmd) => {
      checkKey(key);
      const { readConfig } = await import('../../../config/store.js');
      const { resolveConfig } = await import('../../../config/resolve.js');
      const { mask } = await import('../../../util/mask.js');
      const file = readConfig();
      const r = resolveConfig({ profile: globals(cmd).profile });
      const value = key === 'current_profile' ? file.current_profile : r.profile[key];
      if (value === undefined) throw new FailedError(`'${key}' is not set in profile '${r.profileName}'`);
      // A masked value on stdout would be captured by KEY=$(…) as if it were the key: print nothing.
      if (SECRET_KEYS.has(key) && !opts.showSecret) throw new FailedError(`${key} is a secret and is printed only with --show-secret (it is ${mask(value)}): \`propitbox config get ${key} --show-secret\``);
      printText(value);
    });

  cfg
    .command('set')
    .argument('<key>', `${PROFILE_KEYS.join(' | ')} | current_profile`)
    .argument('<value>', 'the new value')
    .description('set one value in the selected profile (current_profile switches profiles)')
    .addHelpText('after', examples('propitbox config set api_url http://127.0.0.1:4480', 'propitbox --profile staging config set api_url https://staging.api.pro-pitbox.com', 'propitbox config set current_profile local'))
    .action(async (key, value, _opts, cmd) => {
      checkKey(key);
      const store = await import('../../../config/store.js');
      const { resolveConfig, unknownProfileError } = await import('../../../config/resolve.js');
      if (key === 'current_profile') {
        checkProfileName(value);
        const file = store.readConfig();
        // A typo here would leave every command saying "No API key": refuse it.
        if (!file.profiles[value]) throw unknownProfileError(value, Object.keys(file.profiles));
        store.writeConfig({ ...file, current_profile: value });
        return note(`Now using profile '${value}'`);
      }
      if (key === 'api_url' || key === 'relay_url') {
        const { assertHttpUrl } = await import('../../../api/url.js');
        assertHttpUrl(value, key);
        value = value.replace(/\/+$/, '');
      }
      const name = checkProfileName(resolveConfig({ profile: globals(cmd).profile }, { allowNew: true }).profileName);
      store.updateProfile(name, { [key]: value });
      note(`Set ${key} in profile '${name}'`);
    });

  cfg
    .command('delete-profile')
    .argument('<name>', 'the profile to remove (its key, URL and listen secret)')
    .description('remove a whole profile from the config file')
    .addHelpText('after', examples('propitbox config delete-profile staging'))
    .action(async (name) => {
      const store = await import('../../../config/store.js');
      const { unknownProfileError } = await import('../../../config/resolve.js');
      const file = store.readConfig();
      if (!file.profiles[name]) throw unknownProfileError(name, Object.keys(file.profiles));
      delete file.profiles[name];
      const wasCurrent = file.current_profile === name;
      if (wasCurrent) delete file.current_profile;
      store.writeConfig(file);
      const left = Object.keys(file.profiles);
      note(`Deleted profile '${name}'${wasCurrent ? `; it was the current one: pick another with \`propitbox config set current_profile NAME\`${left.length ? ` (${left.join(', ')})` : ''}` : ''}`);
    });

  cfg
    .command('unset')
    .argument('<key>', PROFILE_KEYS.join(' | '))
    .description('remove one value from the selected profile')
    .addHelpText('after', examples('propitbox config unset listen_secret'))
    .action(async (key, _opts, cmd) => {
      checkKey(key);
      if (key === 'current_profile') throw new UsageError('current_profile cannot be unset: switch with `propitbox config set current_profile NAME`');
      const store = await import('../../../config/store.js');
      const { resolveConfig } = await import('../../../config/resolve.js');
      const { profileName: name, profile } = resolveConfig({ profile: globals(cmd).profile });
      if (profile[key] === undefined) return note(`'${key}' is not set in profile '${name}': nothing to do`);
      store.updateProfile(name, { [key]: undefined });
      note(`Removed ${key} from profile '${name}'`);
    });
}
