// The seed's example handler, on node:http (no express): verifies X-ProPitbox-Signature over
// JSON.stringify(req.body) with WEBHOOK_SECRET, answers 200 at once, skips duplicates.
// Used as "your app" by test/e2e/cli-ci-smoke.test.ts. APP_PORT picks the port.
import { createServer } from 'node:http';
import crypto from 'node:crypto';

function verifySignature(payload, signature, secret) {
  const expected = crypto.createHmac('sha256', secret).update(payload).digest('hex');
  return typeof signature === 'string' && signature.length === expected.length && crypto.timingSafeEqual(Buffer.from(signature), Buffer.from(expected));
}

const processedEvents = new Set();
createServer((req, res) => {
  let raw = '';
  req.on('data', (c) => (raw += c));
  req.on('end', () => {
    if (req.method !== 'POST' || req.url !== '/webhooks/pro-pitbox') return res.writeHead(404).end();
    let body;
    try {
      body = JSON.parse(raw);
    } catch {
      return res.writeHead(400).end('Bad JSON');
    }
    if (!verifySignature(JSON.stringify(body), req.headers['x-propitbox-signature'], process.env.WEBHOOK_SECRET)) return res.writeHead(401).end('Invalid signature');
    res.writeHead(200).end('OK');
    if (processedEvents.has(body.id)) return;
    processedEvents.add(body.id);
    if (body.type === 'maintenance.task.created') console.log('Maintenance scheduled:', body.data.task.type);
    if (body.type === 'parts.inventory.low') console.log('Low stock alert:', body.data.part.name);
  });
}).listen(Number(process.env.APP_PORT), '127.0.0.1');
