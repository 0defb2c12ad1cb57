/**
 * A binary min-heap ordered by a comparator. The run loop keeps its ready jobs here so that picking
 * the next job to start is O(log n) even with thousands of jobs ready at once.
 */
export class ReadyQueue<T> {
  readonly #items: T[] = [];
  readonly #before: (a: T, b: T) => boolean;

  /** `before(a, b)` is true when `a` must be taken before `b`. */
  constructor(before: (a: T, b: T) => boolean) {
    this.#before = before;
  }

  get size(): number {
    return this.#items.length;
  }

  push(item: T): void {
    const items = this.#items;
    items.push(item);
    let i = items.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.#before(items[i]!, items[parent]!)) break;
      this.#swap(i, parent);
      i = parent;
    }
  }

  pop(): T | undefined {
    const items = this.#items;
    const top = items[0];
    const last = items.pop();
    if (items.length === 0 || last === undefined) return top;
    items[0] = last;
    this.#siftDown(0);
    return top;
  }

  /** Removes and returns every item, in no particular order. */
  drain(): T[] {
    return this.#items.splice(0, this.#items.length);
  }

  #siftDown(start: number): void {
    const items = this.#items;
    let i = start;
    for (;;) {
      const left = 2 * i + 1;
      const right = left + 1;
      let best = i;
      if (left < items.length && this.#before(items[left]!, items[best]!)) best = left;
      if (right < items.length && this.#before(items[right]!, items[best]!)) best = right;
      if (best === i) return;
      this.#swap(i, best);
      i = best;
    }
  }

  #swap(a: number, b: number): void {
    const items = this.#items;
    const tmp = items[a]!;
    items[a] = items[b]!;
    items[b] = tmp;
  }
}
