// `propitbox events replay EVT_ID`: re-sign an event with a fresh timestamp and POST it to a local app.
// The body comes from the local listen history (works after a restart, without the API), else from
// GET /v1/events/:id. Prints the outcome like `trigger --forward-to`.
import type { Command } from 'commander';
import { FailedError, UsageError } from '../../../errors.js';
import { examples, globals } from '../shared.js';
import { eventsGroup } from './index.js';

interface ReplayFlags {
  forwardTo?: string;
  secret?: string;
  json?: boolean;
}

export function registerEventsReplay(program: Command): void {
  eventsGroup(program)
    .command('replay')
    .argument('<id>', 'event id (evt_…)')
    .description('re-sign an event with a fresh timestamp and send it to your local app again')
    .option('--forward-to <url>', 'where to POST it (default: where `webhooks listen` last sent it)')
    .option('--secret <secret>', 'signing secret (default: env PROPITBOX_WEBHOOK_SECRET, then the profile\'s listen secret)')
    .option('--json', 'print the outcome as JSON')
    .addHelpText(
      'after',
      '\nThe body is found in the local listen history first (<state dir>/history/<profile>.ndjson), so this\nworks after a restart and without the API; otherwise it is fetched with GET /v1/events/:id.\nExit 0 only when the receiver answers 2xx.' +
        examples('propitbox events replay evt_1a2b3c4d5e', 'propitbox events replay evt_1a2b3c4d5e --forward-to http://localhost:3000/webhooks/pro-pitbox --json'),
    )
    .action(async (id: string, flags: ReplayFlags, c: Command) => {
      const { resolveConfig } = await import('../../../config/resolve.js');
      const { History, historyFile, findInHistory } = await import('../../../relay/history.js');
      const { checkTargetUrl, RouteError } = await import('../../../relay/routes.js');
      const { pickSecret } = await import('../trigger/forward.js');
      const g = globals(c);
      const cfg = resolveConfig({ profile: g.profile, apiKey: g.apiKey, apiUrl: g.apiUrl });
      const file = historyFile(cfg.profileName);
      let found = await findInHistory(file, id);
      if (!found && cfg.apiKey) {
        const { RelayApi } = await import('../../../relay/relay-api.js');
        const api = new RelayApi(cfg.apiUrl, cfg.apiKey);
        const ev = await api.getEvent(id).finally(() => api.close());
        if (ev) found = { v: 1, at: '', id: ev.id, type: ev.type, created: ev.created, seq: null, body: JSON.stringify(ev), url: '', status: null, duration_ms: 0, error: null, replay: false };
      }
      if (!found) throw new FailedError(`Event ${id} is not in the local history (${file}) nor in the API`, cfg.apiKey ? 'check the id with `propitbox events list`' : 'run `propitbox login` to look it up in the API');
      const url = flags.forwardTo ?? (found.url || undefined);
      if (!url) throw new UsageError('--forward-to URL is required (this event was never forwarded from this machine)');
      try {
        checkTargetUrl(url, '--forward-to');
      } catch (e) {
        if (e instanceof RouteError) throw new UsageError(e.message);
        throw e;
      }
      const secret = pickSecret({ secret: flags.secret, profileSecret: cfg.profile.listen_secret });
      const { signedHeaders } = await import('../../../signing/sign.js');
      const { postSigned } = await import('../../../api/forward.js');
      const headers = signedHeaders({ eventId: found.id, eventType: found.type, body: found.body, secret, now: Date.now(), userAgent: 'ProPitbox-Webhooks/1.0 (propitbox replay)' });
      const r = await postSigned(url, found.body, headers, { eventId: found.id, eventType: found.type });
      const history = new History(file);
      history.append({ ...found, v: 1, at: new Date().toISOString(), url, status: r.status_code, duration_ms: r.duration_ms, error: r.error, replay: true });
      history.close();
      const { printJson } = await import('../../../output/print.js');
      const { printForward, noAnswerError } = await import('../forward-report.js');
      if (flags.json) printJson(r);
      else await printForward(r, `${found.type} ${found.id} (replay)`);
      if (r.status_code === null) throw noAnswerError(r);
      if (r.status_code < 200 || r.status_code >= 300) throw new FailedError(`Receiver at ${url} answered ${r.status_code} (not 2xx)`);
    });
}
