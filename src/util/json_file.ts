/**
 * Reading a JSON file that may not exist yet: null when it is missing, an error naming the
 * file when it is not JSON or (given a schema) does not hold what the schema says.
 */
import type { z } from "zod";
import { checkSchema, StoredFileError } from "./check_schema.ts";

export function readJsonFile<S extends z.ZodType>(
  path: string,
  schema: S,
): Promise<z.output<S> | null>;
export function readJsonFile<T>(path: string): Promise<T | null>;
export async function readJsonFile(path: string, schema?: z.ZodType): Promise<unknown> {
  const text = await readTextIfExists(path);
  if (text === null) return null;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    throw new StoredFileError(`'${path}' is not valid JSON (${(e as Error).message})`);
  }
  return schema ? checkSchema(schema, value, `'${path}'`) : value;
}

/** A text file's contents, or null when it does not exist (other errors are thrown). */
export async function readTextIfExists(path: string): Promise<string | null> {
  try {
    return await Deno.readTextFile(path);
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return null;
    throw e;
  }
}
