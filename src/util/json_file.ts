/**
 * Reading a JSON file that may not exist yet: null when it is missing, an error naming the
 * file when it is not JSON.
 */
export async function readJsonFile<T>(path: string): Promise<T | null> {
  const text = await readTextIfExists(path);
  if (text === null) return null;
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new Error(`'${path}' is not valid JSON (${(e as Error).message})`);
  }
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
