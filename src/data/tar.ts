/**
 * Listing an uncompressed tar archive held in memory (npm package tarballs, once gunzipped)
 * through tar-stream, which reads ustar, pax and GNU long-name headers and checks each
 * header's checksum.
 */
import tarStream from "tar-stream";

export interface TarEntry {
  /** Path inside the archive, e.g. `package/test_batch.png`. */
  name: string;
  type: "file" | "directory" | "other";
  /** The entry's content (empty for directories). */
  data: Uint8Array;
}

/**
 * Lists every entry of the tar archive `bytes`; `label` names the archive in errors.
 *
 * @example
 * ```ts
 * const tgz = await Deno.readFile("pkg.tgz");
 * const tar = new Uint8Array(await new Response(
 *   new Blob([tgz]).stream().pipeThrough(new DecompressionStream("gzip")),
 * ).arrayBuffer());
 * for (const entry of await readTar(tar, "pkg.tgz")) console.log(entry.name, entry.data.length);
 * ```
 */
export async function readTar(bytes: Uint8Array, label = "tar archive"): Promise<TarEntry[]> {
  const extract = tarStream.extract();
  const entries: TarEntry[] = [];
  const listing = (async () => {
    for await (const entry of extract) {
      const { name, type, size } = entry.header;
      const data = joinChunks(await readAll(entry), size ?? 0);
      entries.push({
        name: type === "directory" && !name.endsWith("/") ? `${name}/` : name,
        type: kindOf(type),
        data,
      });
    }
  })();
  extract.end(bytes);
  try {
    await listing;
  } catch (e) {
    const n = entries.length;
    throw new Error(
      `Cannot read ${label}: ${(e as Error).message} (after ${n} entr${n === 1 ? "y" : "ies"})`,
    );
  }
  return entries;
}

function kindOf(type: string | undefined): TarEntry["type"] {
  return type === "file" ? "file" : type === "directory" ? "directory" : "other";
}

async function readAll(stream: AsyncIterable<unknown>): Promise<Uint8Array[]> {
  const chunks: Uint8Array[] = [];
  for await (const chunk of stream) chunks.push(chunk as Uint8Array);
  return chunks;
}

/**
 * One chunk becomes a plain view into the archive (tar-stream hands out Node Buffers); more
 * are copied into one array.
 */
function joinChunks(chunks: Uint8Array[], size: number): Uint8Array {
  if (chunks.length === 1) {
    const [only] = chunks;
    return new Uint8Array(only.buffer, only.byteOffset, only.byteLength);
  }
  const out = new Uint8Array(size);
  let at = 0;
  for (const chunk of chunks) {
    out.set(chunk, at);
    at += chunk.length;
  }
  return out;
}
