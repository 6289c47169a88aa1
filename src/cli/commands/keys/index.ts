// `propitbox keys create|list|revoke`: one API key per developer or CI job on a team relay, managed
// with the relay's admin key (`propitbox serve --admin-key`). Each key sees only what it made.
import type { CommandUnknownOpts } from '@commander-js/extra-typings';
import { FailedError, UsageError } from '../../../errors.js';
import { env } from '../../../util/env.js';
import { examples, globals, group, inheritedText, show } from '../shared.js';

type KeysApi = ReturnType<typeof import('../../../api/api-keys.js').apiKeys>;

async function withAdmin<T>(cmd: CommandUnknownOpts, fn: (api: KeysApi) => Promise<T>): Promise<T> {
  const adminKey = inheritedText(cmd, 'adminKey') ?? env('PROPITBOX_ADMIN_KEY');
  if (!adminKey) throw new UsageError('Managing API keys needs the relay\'s admin key: pass --admin-key KEY or set PROPITBOX_ADMIN_KEY', 'it is the key given to `propitbox serve --admin-key`');
  const [{ resolveConfig }, { resolveRelay }, { ApiClient }, { apiKeys }, { assertHttpUrl }] = await Promise.all([
    import('../../../config/resolve.js'),
    import('../../../config/relay.js'),
    import('../../../api/client.js'),
    import('../../../api/api-keys.js'),
    import('../../../api/url.js'),
  ]);
  const cfg = resolveConfig(globals(cmd));
  const relay = resolveRelay(cfg, { relay: inheritedText(cmd, 'relay') });
  assertHttpUrl(relay.url, relay.isApi ? 'API URL' : 'relay URL');
  const client = new ApiClient({ apiUrl: relay.url, apiKey: adminKey });
  try {
    return await fn(apiKeys(client));
  } catch (err) {
    const status = (err as { status?: number }).status;
    if (status === 401) throw new FailedError(`Invalid admin key for ${relay.url}: use the key given to \`propitbox serve --admin-key\` (--admin-key or PROPITBOX_ADMIN_KEY)`);
    if (status === 404 && (err as { code?: string }).code === 'route_not_found') throw new FailedError(`${relay.url} has no API keys to manage: start it with \`propitbox serve --admin-key KEY\``);
    throw err;
  } finally {
    await client.close();
  }
}

export function registerKeys(program: CommandUnknownOpts): void {
  const g = group(program, 'keys', "API keys per developer on a team relay, managed with its admin key (`propitbox serve --admin-key`)")
    .option('--relay <url>', 'the propitbox server (env PROPITBOX_RELAY_URL; default: the API URL)')
    .option('--admin-key <key>', "the server's admin key (env PROPITBOX_ADMIN_KEY)");
  g.addHelpText('after', examples('propitbox keys create --name alice --relay https://relay.example.com', 'propitbox keys list', 'propitbox keys revoke key_1a2b3c4d5e6f7g8h'));

  g.command('create')
    .description('make a key for a developer or CI job: it is shown once (only its hash is kept)')
    .requiredOption('--name <name>', 'who the key is for, e.g. alice or ci-nightly')
    .option('--json', 'print the key as JSON')
    .action(async (opts, cmd) => {
      const k = await withAdmin(cmd, (a) => a.create(opts.name));
      await show(opts.json, k, async (v) => (await import('../../../output/format-keys.js')).createdKey(v));
    });

  g.command('list')
    .alias('ls')
    .description('list the keys (names, prefixes, when made or revoked; never the keys)')
    .option('--json', 'print JSON')
    .action(async (opts, cmd) => {
      const page = await withAdmin(cmd, (a) => a.list());
      await show(opts.json, page, async (v) => (await import('../../../output/format-keys.js')).keysTable(v.data));
    });

  g.command('revoke')
    .description('revoke a key: refused at once by every node, its open listen connections closed')
    .argument('<id>', 'the key id (key_…)')
    .option('--json', 'print JSON')
    .action(async (id, opts, cmd) => {
      const r = await withAdmin(cmd, (a) => a.revoke(id));
      await show(opts.json, r, () => `Revoked ${r.id}: it is refused from now on.`);
    });
}
