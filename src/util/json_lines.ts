/**
 * Durable JSON lines: every record is appended and synced to disk before the call returns,
 * and a last line cut short by a kill is dropped (and truncated away) on the next read, so
 * a killed run loses nothing it had finished and the next append starts a line of its own.
 */
import { readTextIfExists } from "./json_file.ts";

/** Appends `value` as one JSON line and waits until it is on disk. */
export async function appendJsonLine(path: string, value: unknown): Promise<void> {
  const f = await Deno.open(path, { append: true, create: true });
  try {
    await f.write(new TextEncoder().encode(JSON.stringify(value) + "\n"));
    await f.syncData();
  } finally {
    f.close();
  }
}

/**
 * The records of a JSON-lines file; a missing file reads as null. With `repair`, a partial
 * last line is truncated from the file (a writer calls this before appending); without it,
 * the file is only read. A complete line that is not JSON is an error naming file and line.
 */
export async function readJsonLines<T>(path: string, repair: boolean): Promise<T[] | null> {
  let text = await readTextIfExists(path);
  if (text === null) return null;
  if (text.length && !text.endsWith("\n")) {
    text = text.slice(0, text.lastIndexOf("\n") + 1);
    if (repair) await Deno.truncate(path, new TextEncoder().encode(text).length);
  }
  const out: T[] = [];
  const lines = text.split("\n");
  for (let i = 0; i < lines.length; i++) {
    if (!lines[i].trim()) continue;
    try {
      out.push(JSON.parse(lines[i]));
    } catch (e) {
      throw new Error(`'${path}' line ${i + 1} is not valid JSON (${(e as Error).message})`);
    }
  }
  return out;
}
