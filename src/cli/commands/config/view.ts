// What `config list` shows: every profile (secrets masked unless asked) and the effective values.
import { readConfig } from '../../../config/store.js';
import { resolveConfig, type ResolveFlags } from '../../../config/resolve.js';
import { configFile } from '../../../config/paths.js';
import { mask } from '../../../util/mask.js';
import { renderFields, renderTable } from '../../../output/table.js';

export interface ConfigView {
  file: string;
  current_profile: string | null;
  profiles: Record<string, Record<string, string>>;
  effective: { profile: string; api_url: string; api_url_source: string; api_key: string | null; api_key_source: string };
}

export function configView(flags: ResolveFlags, showSecret: boolean): ConfigView {
  const cfg = readConfig();
  const r = resolveConfig(flags);
  const hide = (k: string, v: string) => (!showSecret && (k === 'api_key' || k === 'relay_key' || k.includes('secret')) ? mask(v) : v);
  const profiles: ConfigView['profiles'] = {};
  for (const [name, p] of Object.entries(cfg.profiles)) {
    profiles[name] = Object.fromEntries(Object.entries(p).filter((e): e is [string, string] => e[1] !== undefined).map(([k, v]) => [k, hide(k, v)]));
  }
  return {
    file: configFile(),
    current_profile: cfg.current_profile ?? null,
    profiles,
    effective: {
      profile: r.profileName,
      api_url: r.apiUrl,
      api_url_source: r.source.apiUrl,
      api_key: r.apiKey ? hide('api_key', r.apiKey) : null,
      api_key_source: r.source.apiKey,
    },
  };
}

export function configText(v: ConfigView): string {
  const names = Object.keys(v.profiles);
  const table = renderTable(
    [{ header: '' }, { header: 'PROFILE' }, { header: 'API URL' }, { header: 'API KEY' }, { header: 'LISTEN SECRET' }],
    names.map((n) => [n === v.current_profile ? '*' : '', n, v.profiles[n].api_url ?? '-', v.profiles[n].api_key ?? '-', v.profiles[n].listen_secret ?? '-']),
    { empty: 'No profiles yet: run `propitbox login` or `propitbox dev`' },
  );
  const e = v.effective;
  return (
    `Config file: ${v.file}\n\n` +
    table +
    '\nIn effect (flag > env > profile):\n' +
    renderFields([
      ['profile', e.profile],
      ['api_url', `${e.api_url} (${e.api_url_source})`],
      ['api_key', e.api_key ? `${e.api_key} (${e.api_key_source})` : 'none: run `propitbox login` or start `propitbox dev`'],
    ])
  );
}
