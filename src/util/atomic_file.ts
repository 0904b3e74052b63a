/**
 * Writing a file whole or not at all: the bytes go to a temporary name beside it, then the
 * name is moved into place in one step, so a reader (or a run killed mid-write) sees the old
 * file or the new one, never a part. POSIX renames and links within one folder are atomic.
 * No imports: the model file format, which the browser bundle carries, uses it.
 */

export interface AtomicWriteOptions {
  /**
   * Whether an existing file is replaced (default true). With false, an existing file is left
   * alone and Deno.errors.AlreadyExists is thrown.
   */
  replace?: boolean;
}

/**
 * Writes `data` (text as UTF-8) to `path` atomically. The temporary name is hidden and
 * unique (process and random suffix), and is removed if anything fails.
 */
export async function writeFileAtomic(
  path: string,
  data: string | Uint8Array,
  options: AtomicWriteOptions = {},
): Promise<void> {
  const slash = path.lastIndexOf("/") + 1;
  const suffix = `${Deno.pid}-${crypto.randomUUID().slice(0, 8)}`;
  const temp = `${path.slice(0, slash)}.${path.slice(slash)}.tmp-${suffix}`;
  try {
    if (typeof data === "string") await Deno.writeTextFile(temp, data);
    else await Deno.writeFile(temp, data);
    if (options.replace ?? true) await Deno.rename(temp, path);
    else await linkIntoPlace(temp, path);
  } finally {
    await Deno.remove(temp).catch(() => {}); // gone already after a rename
  }
}

/** Gives `temp`'s file the name `path` only if nothing has that name yet. */
async function linkIntoPlace(temp: string, path: string): Promise<void> {
  try {
    await Deno.link(temp, path); // fails if `path` exists: no silent replacement
  } catch (e) {
    if (e instanceof Deno.errors.AlreadyExists) throw e;
    // File systems without hard links: check, then rename (atomic, though not race-free).
    if (await Deno.lstat(path).then(() => true, () => false)) {
      throw new Deno.errors.AlreadyExists(`'${path}' already exists`);
    }
    await Deno.rename(temp, path);
  }
}
