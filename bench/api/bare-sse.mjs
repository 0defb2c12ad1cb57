// `node bare-sse.mjs LINES FOLLOWERS BATCH`: the baseline of bench:api's live log fan-out — a bare
// node:http Server-Sent-Events server, no store, no framework. Once FOLLOWERS clients are connected it
// writes LINES lines to all of them in batches of BATCH (the agent's batch size), each event exactly
// as Gantry's stream formats it (`id: <seq>` + `data: <line JSON>`), every batch formatted once and
// written to every client, waiting for 'drain' when a client's socket is full; then `event: end`.
// Prints `listening http://127.0.0.1:PORT`.
import http from 'node:http';
import { once } from 'node:events';
import { setImmediate } from 'node:timers/promises';

const [lines, followers, batch] = process.argv.slice(2, 5).map(Number);
const clients = [];

async function pump() {
  const time = new Date().toISOString();
  for (let seq = 1; seq <= lines; ) {
    let text = '';
    for (const last = Math.min(lines, seq + batch - 1); seq <= last; seq++) {
      text += `id: ${seq}\ndata: ${JSON.stringify({ seq, step: 0, stream: 'stdout', line: `line ${seq}`, time })}\n\n`;
    }
    const full = clients.filter((res) => !res.write(text));
    if (full.length > 0) await Promise.all(full.map((res) => once(res, 'drain')));
    else await setImmediate();
  }
  const end = JSON.stringify({ status: 'success', reason: null, runStatus: 'success', lastSeq: lines });
  for (const res of clients) res.end(`event: end\ndata: ${end}\n\n`);
  clients.length = 0;
}

const server = http.createServer((req, res) => {
  res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache, no-transform', connection: 'keep-alive' });
  res.socket?.setNoDelay(true);
  res.write('retry: 1000\n\n');
  clients.push(res);
  if (clients.length === followers) void pump();
});
server.keepAliveTimeout = 60_000;
server.listen(0, '127.0.0.1', () => process.stdout.write(`listening http://127.0.0.1:${server.address().port}\n`));
