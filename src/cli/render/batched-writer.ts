/**
 * Collects output and writes it in one go per event-loop turn (or when 64 KiB pile up). A run
 * reports many small events in bursts; one write per event costs a syscall each (bench:exec).
 * Call `flush()` before exiting.
 */
export interface BatchedWriter {
  write(text: string): void;
  flush(): void;
}

const MAX_PENDING = 64 * 1024;

export function createBatchedWriter(stream: { write(text: string): unknown }): BatchedWriter {
  let pending: string[] = [];
  let size = 0;
  let scheduled = false;
  const flush = (): void => {
    scheduled = false;
    if (pending.length === 0) return;
    const text = pending.join('');
    pending = [];
    size = 0;
    stream.write(text);
  };
  return {
    write(text) {
      pending.push(text);
      size += text.length;
      if (size >= MAX_PENDING) flush();
      else if (!scheduled) {
        scheduled = true;
        setImmediate(flush);
      }
    },
    flush,
  };
}
