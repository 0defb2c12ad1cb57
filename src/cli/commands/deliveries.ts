import type { DeliveryDetailView, DeliveryView } from '../../api-client/index.js';
import { connect, type ClientFlags } from '../api-session.js';
import { EXIT } from '../exit-codes.js';
import { formatTable } from '../render/table.js';
import { positiveInt } from './runs.js';

/** `gantry deliveries PROJECT`, `gantry delivery show|replay PROJECT ID`: webhook deliveries on a server. */

export interface DeliveriesFlags extends ClientFlags {
  limit?: string;
  before?: string;
  json?: boolean;
}

function outcome(d: DeliveryView): string {
  const extra = [d.run !== null ? `run #${d.run}` : '', d.replayOf !== null ? `replay of ${d.replayOf}` : '', d.redeliveries > 0 ? `+${d.redeliveries} redelivered` : '']
    .filter((s) => s !== '')
    .join(', ');
  return extra === '' ? d.outcome : `${d.outcome} (${extra})`;
}

export async function deliveriesCommand(project: string, flags: DeliveriesFlags): Promise<number> {
  const limit = positiveInt('--limit', flags.limit);
  const before = positiveInt('--before', flags.before);
  const page = await connect(flags).call((api) => api.deliveries.list(project, { ...(limit !== undefined && { limit }), ...(before !== undefined && { before }) }));
  if (flags.json) process.stdout.write(JSON.stringify(page.deliveries, null, 2) + '\n');
  else if (page.deliveries.length === 0) process.stdout.write(`no webhook deliveries for ${project}${before !== undefined ? ' before that one' : ' yet'}\n`);
  else {
    const rows = [['ID', 'RECEIVED', 'FORGE', 'EVENT', 'OUTCOME', 'REASON']];
    for (const d of page.deliveries) {
      rows.push([String(d.id), d.receivedAt.replace('T', ' ').slice(0, 19), d.forge, d.event.slice(0, 30), outcome(d), (d.reason ?? '').split('\n')[0]!.slice(0, 80)]);
    }
    process.stdout.write(formatTable(rows));
    if (page.nextCursor !== null) process.stdout.write(`more: gantry deliveries ${project} --before ${page.nextCursor}\n`);
  }
  return EXIT.ok;
}

export function describeDelivery(d: DeliveryDetailView): string {
  const lines = [
    `delivery ${d.id}: ${d.forge} ${d.event}, ${outcome(d)}`,
    `  forge delivery id: ${d.deliveryId}`,
    `  received ${d.receivedAt}`,
  ];
  if (d.reason) lines.push(`  reason: ${d.reason}`);
  lines.push('headers:', ...Object.entries(d.headers).map(([k, v]) => `  ${k}: ${v}`));
  lines.push(`body (${d.bodyBytes} bytes${d.bodyEncoding === 'base64' ? ', base64' : ''}):`, d.body);
  return lines.join('\n') + '\n';
}

export async function deliveryShowCommand(project: string, id: string, flags: ClientFlags & { json?: boolean }): Promise<number> {
  const n = positiveInt('ID', id)!;
  const delivery = await connect(flags).call((api) => api.deliveries.get(project, n));
  process.stdout.write(flags.json ? JSON.stringify(delivery, null, 2) + '\n' : describeDelivery(delivery));
  return EXIT.ok;
}

export async function deliveryReplayCommand(project: string, id: string, flags: ClientFlags & { json?: boolean }): Promise<number> {
  const n = positiveInt('ID', id)!;
  const answer = await connect(flags).call((api) => api.deliveries.replay(project, n));
  if (flags.json) process.stdout.write(JSON.stringify(answer, null, 2) + '\n');
  else {
    const d = answer.delivery;
    const result = answer.run !== null ? `started run #${answer.run} (gantry run show ${project} ${answer.run})` : `${d.outcome}${d.reason ? `: ${d.reason}` : ''}`;
    process.stdout.write(`replayed delivery ${n} as delivery ${d.id}: ${result}\n`);
  }
  return EXIT.ok;
}
