// `propitbox webhooks sessions list|close`: see which listen sessions are subscribed (and whether a
// client is connected), and close the ones left behind. Closing fails their undelivered events with
// the reason, so nothing waits for a client that is not coming back.
import type { CommandUnknownOpts } from '@commander-js/extra-typings';
import { UsageError } from '../../../errors.js';
import { examples, show, withApi } from '../shared.js';
import { webhooksGroup } from './index.js';

export function registerWebhooksSessions(program: CommandUnknownOpts): void {
  const sessions = webhooksGroup(program)
    .command('sessions')
    .description('list and close listen sessions (what `webhooks listen` and `dev --forward-to` subscribe)')
    .addHelpText(
      'after',
      `
A session is closed when its listen exits; one whose process died is closed after 5 min with no
client; one opened with --keep-session stays (up to 24 h / 10,000 waiting events) until closed here.` +
        examples('propitbox webhooks sessions list', 'propitbox webhooks sessions close ls_123', 'propitbox webhooks sessions close --all'),
    );
  sessions
    .command('list')
    .alias('ls')
    .description('every listen session of this API key: client connected or not, where it forwards, events waiting')
    .option('--json', 'print the API list as JSON on stdout')
    .addHelpText('after', examples('propitbox webhooks sessions list', "propitbox webhooks sessions list --json | jq -r '.data[] | select(.connected | not) | .id'"))
    .action(async (opts, cmd) => {
      const page = await withApi(cmd, (a) => a.sessions.list());
      const { sessionsTable } = await import('../../../output/format-sessions.js');
      await show(opts.json, page, (p) => sessionsTable(p.data));
    });
  sessions
    .command('close')
    .argument('[ids...]', 'session ids (ls_…)')
    .description('close listen sessions: their undelivered events are marked failed, saying why')
    .option('--all', 'close every session of this API key (a running listen is disconnected)')
    .option('--json', 'print {"closed":[ids]} as JSON on stdout')
    .addHelpText('after', examples('propitbox webhooks sessions close ls_123 ls_456', 'propitbox webhooks sessions close --all'))
    .action(async (ids, opts, cmd) => {
      if (opts.all && ids.length) throw new UsageError('Pass session ids or --all, not both');
      if (!opts.all && !ids.length) throw new UsageError('Which session? Pass its id (see `propitbox webhooks sessions list`) or --all');
      const closed = await withApi(cmd, async (a) => {
        const list = opts.all ? (await a.sessions.list()).data.map((s) => s.id) : ids;
        for (const id of list) await a.sessions.delete(id);
        return list;
      });
      await show(opts.json, { closed }, (r) => (r.closed.length ? r.closed.map((id) => `Closed ${id}`).join('\n') : 'No listen sessions to close'));
    });
}
