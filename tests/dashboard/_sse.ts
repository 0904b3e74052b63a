/** Reads Server-Sent Events from a response body, for the API tests. */

export interface SseEvent {
  event: string;
  data: string;
  id?: string;
}

export class SseReader {
  #reader: ReadableStreamDefaultReader<Uint8Array>;
  #decoder = new TextDecoder();
  #buffer = "";
  /** Every raw block read, comments and retry lines included. */
  readonly blocks: string[] = [];

  constructor(body: ReadableStream<Uint8Array>) {
    this.#reader = body.getReader();
  }

  /** The next event (blocks without an event field are skipped), or null at the end. */
  async next(timeoutMs = 5000): Promise<SseEvent | null> {
    const deadline = Date.now() + timeoutMs;
    while (true) {
      const end = this.#buffer.indexOf("\n\n");
      if (end >= 0) {
        const block = this.#buffer.slice(0, end);
        this.#buffer = this.#buffer.slice(end + 2);
        this.blocks.push(block);
        const event: Partial<SseEvent> = {};
        for (const line of block.split("\n")) {
          const colon = line.indexOf(":");
          if (colon <= 0) continue; // comment or empty
          const field = line.slice(0, colon), value = line.slice(colon + 1).replace(/^ /, "");
          if (field === "event") event.event = value;
          else if (field === "data") {
            event.data = (event.data === undefined ? "" : event.data + "\n") + value;
          } else if (field === "id") event.id = value;
        }
        if (event.event) return event as SseEvent;
        continue;
      }
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`no SSE event within ${timeoutMs} ms`);
      let timer: ReturnType<typeof setTimeout> | undefined;
      const timeout = new Promise<"timeout">((r) => (timer = setTimeout(() => r("timeout"), left)));
      const read = await Promise.race([this.#reader.read(), timeout]);
      clearTimeout(timer);
      if (read === "timeout") throw new Error(`no SSE event within ${timeoutMs} ms`);
      if (read.done) return null;
      this.#buffer += this.#decoder.decode(read.value, { stream: true });
    }
  }

  /** The next event named `name`, skipping others. */
  async nextOf(name: string, timeoutMs = 5000): Promise<SseEvent> {
    const deadline = Date.now() + timeoutMs;
    while (true) {
      const e = await this.next(Math.max(1, deadline - Date.now()));
      if (e === null) throw new Error(`the stream ended before a '${name}' event`);
      if (e.event === name) return e;
    }
  }

  async cancel(): Promise<void> {
    await this.#reader.cancel();
  }
}
