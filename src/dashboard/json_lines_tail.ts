/**
 * Follows a JSON-lines file that another process appends to (evaluations.jsonl,
 * final.jsonl): each `poll()` reads only the bytes added since the last one and parses the
 * complete lines among them. A last line without its newline is still being written (or
 * was cut short by a kill) and waits for the next poll. Read-only: unlike RunDir, it never
 * truncates the file, so the dashboard needs no write permission.
 */

export interface TailPoll<T> {
  /** Records parsed by this poll, in file order. */
  added: T[];
  /** The file shrank or was replaced: everything read before is void, `added` starts over. */
  reset: boolean;
  /**
   * A complete line that is not JSON, named by file and line: reading stopped before it
   * (the records before it are in `added`), and the next poll tries that line again.
   */
  error?: string;
}

export class JsonLinesTail<T> {
  /** Every record read so far, in file order. */
  readonly records: T[] = [];
  #offset = 0;
  #lineNumber = 0;
  #inode: number | null = null;

  constructor(readonly path: string, readonly displayName = path) {}

  /** Reads what was appended since the last poll. A missing file reads as empty. */
  async poll(): Promise<TailPoll<T>> {
    let file: Deno.FsFile;
    try {
      file = await Deno.open(this.path, { read: true });
    } catch (e) {
      if (!(e instanceof Deno.errors.NotFound)) throw e;
      const reset = this.records.length > 0;
      this.#forget();
      return { added: [], reset };
    }
    try {
      const info = await file.stat();
      let reset = false;
      const replaced = info.ino !== null && this.#inode !== null && info.ino !== this.#inode;
      if (info.size < this.#offset || replaced) {
        reset = this.records.length > 0;
        this.#forget();
      }
      this.#inode = info.ino;
      if (info.size === this.#offset) return { added: [], reset };
      await file.seek(this.#offset, Deno.SeekMode.Start);
      const bytes = new Uint8Array(info.size - this.#offset);
      let filled = 0;
      while (filled < bytes.length) {
        const n = await file.read(bytes.subarray(filled));
        if (n === null) break;
        filled += n;
      }
      const end = bytes.subarray(0, filled).lastIndexOf(0x0a);
      if (end < 0) return { added: [], reset };
      const text = new TextDecoder().decode(bytes.subarray(0, end + 1));
      const added: T[] = [];
      let start = 0;
      for (let nl = text.indexOf("\n"); nl >= 0; nl = text.indexOf("\n", start)) {
        const line = text.slice(start, nl);
        const lineNumber = this.#lineNumber + 1;
        if (line.trim()) {
          let value: T;
          try {
            value = JSON.parse(line);
          } catch (e) {
            this.#commit(text.slice(0, start), added);
            const error = `'${this.displayName}' line ${lineNumber} is not valid JSON (${
              (e as Error).message
            })`;
            return { added, reset, error };
          }
          added.push(value);
        }
        this.#lineNumber = lineNumber;
        start = nl + 1;
      }
      this.#commit(text, added);
      return { added, reset };
    } finally {
      file.close();
    }
  }

  /** Records what a poll consumed: the bytes of `text` and the records parsed from them. */
  #commit(text: string, added: T[]): void {
    this.#offset += new TextEncoder().encode(text).length;
    for (const r of added) this.records.push(r);
  }

  #forget(): void {
    this.records.length = 0;
    this.#offset = 0;
    this.#lineNumber = 0;
    this.#inode = null;
  }
}
