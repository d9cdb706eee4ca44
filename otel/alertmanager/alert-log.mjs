// The stack's out-of-the-box Alertmanager receiver: a webhook that prints every alert it is sent
// as one JSON line on stdout (`docker compose logs -f alert-log`) and keeps the latest ones for
// GET /alerts. Plain Node (no dependencies), so it runs in the stock node image and in tests.
//
//   PORT (default 9095), HOST (default 0.0.0.0), KEEP (alerts kept for GET /alerts, default 500)
import { createServer } from 'node:http';

const port = Number(process.env.PORT ?? 9095);
const host = process.env.HOST ?? '0.0.0.0';
const keep = Number(process.env.KEEP ?? 500);
const MAX_BODY_BYTES = 1024 * 1024;
const received = [];

/** One line per alert of an Alertmanager webhook notification (payload version 4). */
function linesOf(notification) {
  const alerts = Array.isArray(notification?.alerts) ? notification.alerts : [];
  return alerts.map((alert) => ({
    received_at: new Date().toISOString(),
    receiver: notification.receiver,
    status: alert.status,
    alertname: alert.labels?.alertname,
    severity: alert.labels?.severity,
    labels: alert.labels ?? {},
    summary: alert.annotations?.summary,
    description: alert.annotations?.description,
    runbook_url: alert.annotations?.runbook_url,
    starts_at: alert.startsAt,
    ends_at: alert.endsAt,
    fingerprint: alert.fingerprint,
  }));
}

function send(res, status, body) {
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
}

const server = createServer((req, res) => {
  if (req.method === 'GET' && req.url === '/healthz') return send(res, 200, { status: 'ok' });
  if (req.method === 'GET' && req.url === '/alerts') return send(res, 200, received);
  if (req.method !== 'POST' || req.url !== '/alerts') return send(res, 404, { error: 'POST /alerts, GET /alerts, GET /healthz' });
  let size = 0;
  const chunks = [];
  req.on('data', (chunk) => {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) req.destroy();
    else chunks.push(chunk);
  });
  req.on('end', () => {
    let notification;
    try {
      notification = JSON.parse(Buffer.concat(chunks).toString('utf8'));
    } catch {
      return send(res, 400, { error: 'body is not JSON' });
    }
    for (const line of linesOf(notification)) {
      process.stdout.write(`${JSON.stringify(line)}\n`);
      received.push(line);
      if (received.length > keep) received.shift();
    }
    send(res, 200, { ok: true });
  });
});

server.listen(port, host, () => {
  const address = server.address();
  process.stdout.write(`${JSON.stringify({ listening: `http://${host}:${address.port}` })}\n`);
});

for (const signal of ['SIGINT', 'SIGTERM']) {
  process.once(signal, () => {
    server.closeAllConnections();
    server.close(() => process.exit(0));
  });
}
