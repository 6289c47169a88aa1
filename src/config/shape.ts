// What a config file must look like, checked when it is read: a hand-edited file with a number where a
// URL goes must be one clear line naming the field, not a crash deep in a command. Pure.

type Json = Record<string, unknown>;

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/** "a number", "an array", "null": what a JSON value is, for messages. */
function kind(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  return typeof v === 'object' ? 'an object' : `a ${typeof v}`;
}

/** The first problem in a parsed config file, or null when it has the shape the CLI relies on. */
export function configShapeProblem(v: unknown): string | null {
  if (!isObject(v)) return `it must be a JSON object like {"profiles": {}}, not ${kind(v)}`;
  if (v.current_profile !== undefined && typeof v.current_profile !== 'string') return `'current_profile' must be a string (a profile name), not ${kind(v.current_profile)}`;
  if (v.profiles === undefined) return null;
  if (!isObject(v.profiles)) return `'profiles' must be an object of named profiles, not ${kind(v.profiles)}`;
  for (const [name, p] of Object.entries(v.profiles)) {
    if (!isObject(p)) return `profile '${name}' must be an object like {"api_key": "…", "api_url": "…"}, not ${kind(p)}`;
    for (const [key, value] of Object.entries(p)) if (typeof value !== 'string') return `'profiles.${name}.${key}' must be a string, not ${kind(value)}`;
  }
  return null;
}
