// Which API to talk to, with which key: flag > environment > profile. One function, one answer.
import { suggest } from '../domain/event-types.js';
import { UsageError } from '../errors.js';
import { env } from '../util/env.js';
import { readConfig, DEFAULT_PROFILE, type Profile } from './store.js';

export const DEFAULT_API_URL = 'https://api.pro-pitbox.com';
export const DEFAULT_EMULATOR_PORT = 4480;

export interface ResolvedConfig {
  profileName: string;
  profile: Profile;
  /** Names of the profiles in the config file (to tell a typo in --profile from an empty profile). */
  profileNames: string[];
  apiUrl: string;
  apiKey: string | undefined;
  /** Where each value came from, for `config list` and error hints. */
  source: { apiUrl: 'flag' | 'env' | 'profile' | 'default'; apiKey: 'flag' | 'env' | 'profile' | 'none' };
}

export interface ResolveFlags {
  profile?: string;
  apiKey?: string;
  apiUrl?: string;
}

export interface ResolveOptions {
  /** The profile named with --profile / PROPITBOX_PROFILE may not exist yet (`config set` creates it). */
  allowNew?: boolean;
}

/** A profile named with --profile or PROPITBOX_PROFILE must exist, even when the key and URL come from elsewhere. */
export function resolveConfig(flags: ResolveFlags = {}, opts: ResolveOptions = {}): ResolvedConfig {
  const cfg = readConfig();
  const named = flags.profile ?? env('PROPITBOX_PROFILE');
  if (named !== undefined && !opts.allowNew && !Object.hasOwn(cfg.profiles, named)) throw unknownProfileError(named, Object.keys(cfg.profiles));
  const profileName = named ?? cfg.current_profile ?? DEFAULT_PROFILE;
  const profile = cfg.profiles[profileName] ?? {};
  const apiUrl = flags.apiUrl ?? env('PROPITBOX_API_URL') ?? profile.api_url;
  const apiKey = flags.apiKey ?? env('PROPITBOX_API_KEY') ?? profile.api_key;
  return {
    profileName,
    profile,
    profileNames: Object.keys(cfg.profiles),
    apiUrl: (apiUrl ?? DEFAULT_API_URL).replace(/\/+$/, ''),
    apiKey,
    source: {
      apiUrl: flags.apiUrl ? 'flag' : env('PROPITBOX_API_URL') ? 'env' : profile.api_url ? 'profile' : 'default',
      apiKey: flags.apiKey ? 'flag' : env('PROPITBOX_API_KEY') ? 'env' : profile.api_key ? 'profile' : 'none',
    },
  };
}

export function unknownProfileError(name: string, names: string[]): UsageError {
  const close = suggest(name, names, 1);
  const hint = close.length ? ` Did you mean '${close[0]}'?` : '';
  return new UsageError(`No profile '${name}'.${hint} Profiles: ${names.join(', ') || 'none yet'}; create one with \`propitbox login --profile ${name}\``);
}
