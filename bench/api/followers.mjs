// `node followers.mjs URL COUNT TOKEN|-`: COUNT Server-Sent-Events followers of one log stream, in this
// process (the load side of bench:api, so the server measured does not pay for the readers).
// Prints `ready` once every follower has its 200, then one JSON line with what each received.
// A follower behaves like `gantry logs -f`: when the server closes its stream before `event: end`
// (it lagged), it reconnects with Last-Event-ID and goes on. Lines are counted by their `id:` (seq),
// so a line is never counted twice; parsing is kept to finding the last id of each chunk.
import http from 'node:http';
import { performance } from 'node:perf_hooks';

const [, , url, countText, token] = process.argv;
const count = Number(countText);
const agent = new http.Agent({ keepAlive: true, maxSockets: Infinity });
let connected = 0;

/** The seq of the last complete `id:` line in `text`, or undefined. */
function lastId(text) {
  let at = text.lastIndexOf('id: ');
  while (at > 0 && text[at - 1] !== '\n') at = text.lastIndexOf('id: ', at - 1);
  if (at < 0) return undefined;
  const end = text.indexOf('\n', at);
  return Number(text.slice(at + 4, end < 0 ? undefined : end));
}

function follow() {
  return new Promise((resolve, reject) => {
    const result = { lastSeq: 0, firstAt: undefined, endAt: undefined, reconnects: 0 };
    let counted = false;
    const connect = () => {
      const headers = { accept: 'text/event-stream' };
      if (token !== '-') headers.authorization = `Bearer ${token}`;
      if (result.lastSeq > 0) headers['last-event-id'] = String(result.lastSeq);
      const request = http.get(url, { agent, headers }, (response) => {
        if (response.statusCode !== 200) {
          response.resume();
          return reject(new Error(`HTTP ${response.statusCode} from ${url}`));
        }
        if (!counted) {
          counted = true;
          if (++connected === count) process.stdout.write('ready\n');
        }
        response.setEncoding('utf8');
        let tail = '';
        let ended = false;
        response.on('data', (chunk) => {
          const text = tail + chunk;
          const cut = text.lastIndexOf('\n\n');
          if (cut < 0) {
            tail = text;
            return;
          }
          const complete = text.slice(0, cut + 1);
          tail = text.slice(cut + 2);
          const seq = lastId(complete);
          if (seq !== undefined && seq > result.lastSeq) {
            result.firstAt ??= performance.now();
            result.lastSeq = seq;
          }
          if (complete.includes('event: end\n')) ended = true;
        });
        response.on('close', () => {
          if (ended) {
            result.endAt = performance.now();
            resolve(result);
          } else {
            result.reconnects++;
            connect();
          }
        });
      });
      request.on('error', reject);
    };
    connect();
  });
}

const results = await Promise.all(Array.from({ length: count }, () => follow()));
agent.destroy();
process.stdout.write(`${JSON.stringify(results)}\n`);
