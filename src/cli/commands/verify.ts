// `propitbox verify`: a signature doctor. Says why a signature fails and prints the expected value.
import type { CommandUnknownOpts } from '@commander-js/extra-typings';
import { examples } from './shared.js';
import { FailedError, UsageError } from '../../errors.js';
import { now as clock } from '../../util/io.js';

export function registerVerify(program: CommandUnknownOpts): void {
  program
    .command('verify')
    .description('check a webhook signature and explain why it fails (body changed, wrong secret, stale timestamp)')
    .option('--secret <secret>', 'the signing secret (default: env PROPITBOX_WEBHOOK_SECRET)')
    .option('--signature <sig>', 'X-ProPitbox-Signature hex, or a webhook-signature "v1,…" value')
    .option('--payload-file <file>', 'the raw request body, byte for byte')
    .option('--headers-file <file>', 'a raw HTTP request dump (headers, blank line, body): signature, id and timestamp are read from it')
    .option('--timestamp <seconds>', 'webhook-timestamp (for v1,… signatures)')
    .option('--id <id>', 'webhook-id (for v1,… signatures)')
    .option('--tolerance <duration>', 'how old a timestamp may be', '5m')
    .option('--json', 'print {"ok":true|false,"signatures":[diagnosis per signature]} as JSON')
    .addHelpText(
      'after',
      examples(
        'propitbox verify --secret "$WEBHOOK_SECRET" --signature 5f2b… --payload-file body.json',
        'propitbox verify --secret whsec_… --signature "v1,K5oZ…" --id evt_1a2b3c4d5e --timestamp 1735122600 --payload-file body.json',
        'propitbox verify --secret whsec_… --headers-file request.txt',
        '# exit 0 when every signature verifies, 1 when one does not, 2 for bad input',
      ),
    )
    .action(async (opts) => {
      const { readFileSync } = await import('node:fs');
      const { env } = await import('../../util/env.js');
      const { parseDuration } = await import('../../util/duration.js');
      const { diagnose, parseHeadersDump, DiagnoseInputError } = await import('../../signing/diagnose.js');
      const read = (file: string): Buffer => {
        try {
          return readFileSync(file);
        } catch (e) {
          throw new UsageError(`Cannot read ${file}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as Error).message}`);
        }
      };
      const secret = opts.secret ?? env('PROPITBOX_WEBHOOK_SECRET');
      if (!secret) throw new UsageError('No secret: pass --secret S (or set PROPITBOX_WEBHOOK_SECRET)');
      const toleranceMs = parseDuration(opts.tolerance);
      if (toleranceMs === null) throw new UsageError(`--tolerance expects a duration like 5m or 300s, got '${opts.tolerance}'`);
      const dump = opts.headersFile ? parseHeadersDump(read(opts.headersFile).toString('utf8')) : undefined;
      const h = dump?.headers ?? {};
      const payload = opts.payloadFile ? read(opts.payloadFile) : dump?.body != null ? Buffer.from(dump.body, 'utf8') : undefined;
      if (!payload) throw new UsageError('No body: pass --payload-file FILE (the raw request body) or a --headers-file that includes it');
      const signatures = opts.signature ? [opts.signature] : [h['x-propitbox-signature'], h['webhook-signature']].filter((s): s is string => !!s);
      if (!signatures.length) throw new UsageError('No signature: pass --signature SIG (or a --headers-file with X-ProPitbox-Signature / webhook-signature)');
      const tsRaw = opts.timestamp ?? h['webhook-timestamp'];
      const timestamp = tsRaw === undefined ? undefined : Number(tsRaw);
      if (timestamp !== undefined && !Number.isInteger(timestamp)) throw new UsageError(`--timestamp expects Unix seconds, got '${tsRaw}'`);
      let results;
      try {
        results = signatures.map((signature) => diagnose({ secret, signature, payload, id: opts.id ?? h['webhook-id'], timestamp, toleranceMs, now: clock() }));
      } catch (e) {
        if (e instanceof DiagnoseInputError) throw new UsageError(e.message);
        throw e;
      }
      const { printJson, printText } = await import('../../output/print.js');
      // One shape whether one signature was checked or both of a --headers-file.
      if (opts.json) printJson({ ok: results.every((r) => r.ok), signatures: results });
      else {
        const { colors } = await import('../../output/color.js');
        const c = colors();
        for (const r of results) {
          const name = r.scheme === 'x-propitbox-signature' ? 'X-ProPitbox-Signature' : 'webhook-signature (Standard Webhooks)';
          printText(`${name}: ${r.ok ? c.green('valid') : c.red('INVALID')}\n  ${r.reason}\n  expected: ${r.expected}\n  received: ${r.received}`);
        }
      }
      const bad = results.find((r) => !r.ok);
      if (bad) throw new FailedError(`Signature does not verify: ${bad.reason.split(':')[0]} (details above)`);
    });
}
