// `propitbox dev --public-url / --allowed-hosts` (and PROPITBOX_PUBLIC_URL) as a real process: bad values
// are usage errors before anything starts; good ones extend the Host allow-list and set ws_url.
import { afterAll, describe, expect, it } from 'vitest';
import { spawnTestEmulator, type SpawnedEmulator } from '../helpers/emulator.js';
import { isolatedEnv } from '../helpers/run-cli.js';
import { runInProcess } from '../helpers/run-in-process.js';
import { rawRequest } from '../helpers/raw-http.js';

let dev: SpawnedEmulator | undefined;
afterAll(async () => {
  await dev?.stop();
});

describe('propitbox dev Host options', () => {
  it('a bad --public-url or --allowed-hosts is one usage line, exit 2', async () => {
    for (const [flag, value, msg] of [
      ['--public-url', 'emu.example.com', /^error: --public-url 'emu\.example\.com' is not a URL/],
      ['--allowed-hosts', 'a.test:80', /^error: --allowed-hosts must be comma-separated host names/],
    ] as const) {
      const res = await runInProcess(['dev', '--headless', '--port', '0', flag, value]);
      expect(res.code, res.stderr).toBe(2);
      expect(res.stderr).toMatch(msg);
      expect(res.stderr.trim().split('\n')).toHaveLength(1);
    }
  });

  it('--allowed-hosts and PROPITBOX_PUBLIC_URL extend the allow-list; ws_url uses the public URL', async () => {
    dev = await spawnTestEmulator({ env: isolatedEnv({ PROPITBOX_PUBLIC_URL: 'https://emu.example.com' }), extraArgs: ['--allowed-hosts', 'devbox.lan,.corp.example', '--no-profile'] });
    const auth = { authorization: `Bearer ${dev.apiKey}` };
    for (const host of ['devbox.lan:4480', 'a.corp.example', 'emu.example.com']) {
      const res = await rawRequest(dev.port, { method: 'POST', target: '/v1/listen-sessions', headers: { ...auth, host, 'content-type': 'application/json' }, body: '{}' });
      expect(res.status, host).toBe(201);
      expect(JSON.parse(res.body).ws_url).toMatch(/^wss:\/\/emu\.example\.com\/v1\/listen-sessions\//);
    }
    expect((await rawRequest(dev.port, { method: 'GET', target: '/v1/health', headers: { host: 'evil.example' } })).status).toBe(421);
  });
});
