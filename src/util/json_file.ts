/**
 * Reading a JSON file that may not exist yet: null when it is missing, an error naming the
 * file when it is not JSON.
 */
export async function readJsonFile<T>(path: string): Promise<T | null> {
  let text: string;
  try {
    text = await Deno.readTextFile(path);
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return null;
    throw e;
  }
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new Error(`'${path}' is not valid JSON (${(e as Error).message})`);
  }
}
