// `node load.mjs JSON`: one autocannon 9 run from its own process (the load side of bench:api), with
// options {url, connections, duration, headers}. Prints one JSON line: latency p50/p99/mean (ms),
// requests per second, and how many answers were not 2xx or failed.
import autocannon from 'autocannon';

const options = JSON.parse(process.argv[2]);
const result = await autocannon({ url: options.url, connections: options.connections, duration: options.duration, headers: options.headers ?? {} });
const { latency, requests } = result;
process.stdout.write(
  `${JSON.stringify({ p50: latency.p50, p99: latency.p99, mean: latency.average, rps: requests.average, total: requests.total, non2xx: result.non2xx, errors: result.errors })}\n`,
);
