// `node bare-json.mjs FILE…`: the baseline of bench:api's API latency — a bare fastify server (no
// auth, no store, no schemas, no hooks) answering GET /0, /1, … with the bytes of each FILE as
// application/json, i.e. exactly the bodies Gantry sent. Prints `listening http://127.0.0.1:PORT`.
import { readFileSync } from 'node:fs';
import Fastify from 'fastify';

const app = Fastify({ logger: false });
process.argv.slice(2).forEach((file, i) => {
  const body = readFileSync(file);
  app.get(`/${i}`, (_request, reply) => reply.type('application/json; charset=utf-8').send(body));
});
const address = await app.listen({ host: '127.0.0.1', port: 0 });
process.stdout.write(`listening ${address}\n`);
