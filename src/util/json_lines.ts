/**
 * Durable JSON lines: every record is appended and synced to disk before the call returns,
 * and a last line cut short by a kill is dropped (and truncated away) on the next read, so
 * a killed run loses nothing it had finished and the next append starts a line of its own.
 */
import type { z } from "zod";
import { readTextIfExists } from "./json_file.ts";
import { checkSchema, StoredFileError } from "./check_schema.ts";

/** Appends `value` as one JSON line and waits until it is on disk. When that fails (no
 * space, an I/O error), the file is cut back to where it was: half a line would be glued to
 * the next one. */
export async function appendJsonLine(path: string, value: unknown): Promise<void> {
  const bytes = new TextEncoder().encode(JSON.stringify(value) + "\n");
  const f = await Deno.open(path, { append: true, create: true });
  try {
    const size = (await f.stat()).size;
    try {
      for (let at = 0; at < bytes.length;) at += await f.write(bytes.subarray(at));
      await f.syncData();
    } catch (e) {
      await f.truncate(size).catch(() => {});
      throw e;
    }
  } finally {
    f.close();
  }
}

/** A record of a JSON-lines file and the line it is on (1-based). */
export interface JsonLine<T> {
  line: number;
  value: T;
}

/**
 * The records of a JSON-lines file; a missing file reads as null. With `repair`, a partial
 * last line is truncated from the file (a writer calls this before appending); without it,
 * the file is only read. A complete line that is not JSON, or (given a schema) does not hold
 * what the schema says, is an error naming file, line and field.
 */
export function readJsonLines<S extends z.ZodType>(
  path: string,
  repair: boolean,
  schema: S,
): Promise<z.output<S>[] | null>;
export function readJsonLines<T>(path: string, repair: boolean): Promise<T[] | null>;
export async function readJsonLines(
  path: string,
  repair: boolean,
  schema?: z.ZodType,
): Promise<unknown[] | null> {
  return (await readJsonLineEntries(path, repair, schema ?? null))?.map((e) => e.value) ?? null;
}

/** As readJsonLines, each record with its line number (for messages that name it); `check`
 * sees them all before a cut last line is repaired (it throws to leave the file as it is). */
export async function readJsonLineEntries<S extends z.ZodType>(
  path: string,
  repair: boolean,
  schema: S | null,
  check?: (entries: JsonLine<z.output<S>>[]) => void,
): Promise<JsonLine<z.output<S>>[] | null> {
  const whole = await readTextIfExists(path);
  if (whole === null) return null;
  const text = whole.slice(0, whole.lastIndexOf("\n") + 1);
  const out: JsonLine<z.output<S>>[] = [];
  const lines = text.split("\n");
  for (let i = 0; i < lines.length; i++) {
    if (!lines[i].trim()) continue;
    let value: unknown;
    try {
      value = JSON.parse(lines[i]);
    } catch (e) {
      throw new StoredFileError(
        `'${path}' line ${i + 1} is not valid JSON (${(e as Error).message})`,
      );
    }
    const where = `'${path}' line ${i + 1}`;
    out.push({
      line: i + 1,
      value: schema ? checkSchema(schema, value, where) : value as z.output<S>,
    });
  }
  check?.(out);
  // Only once every complete line is known good: a file at fault is left as it is.
  if (repair && text.length < whole.length) {
    await Deno.truncate(path, new TextEncoder().encode(text).length);
  }
  return out;
}
