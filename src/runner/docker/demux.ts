/**
 * Splits the Engine API's multiplexed exec output (no TTY) into stdout and stderr chunks. Each
 * frame is an 8-byte header — stream type (1 stdout, 2 stderr), three zero bytes, payload length
 * big-endian — then the payload. Frames may be cut anywhere across chunks; partial ones wait.
 */
export function createDemuxer(onOutput: (stream: 'stdout' | 'stderr', chunk: Buffer) => void): (chunk: Buffer) => void {
  let pending: Buffer = Buffer.alloc(0);
  return (chunk) => {
    pending = pending.length === 0 ? chunk : Buffer.concat([pending, chunk]);
    let offset = 0;
    while (pending.length - offset >= 8) {
      const type = pending[offset]!;
      const length = pending.readUInt32BE(offset + 4);
      if (pending.length - offset - 8 < length) break;
      const payload = pending.subarray(offset + 8, offset + 8 + length);
      // Type 0 (stdin echoed back) does not happen without a TTY; treat anything but 2 as stdout.
      if (length > 0) onOutput(type === 2 ? 'stderr' : 'stdout', payload);
      offset += 8 + length;
    }
    pending = offset === 0 ? pending : pending.subarray(offset);
  };
}
