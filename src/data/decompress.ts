/**
 * Whole-buffer decompression over the built-in DecompressionStream, which keeps what it
 * produced before a failure so that callers can say how far a damaged stream got.
 */

/** The bytes produced, and the error that stopped the stream early, if any. */
export interface Decompressed {
  bytes: Uint8Array;
  error?: Error;
}

/**
 * Decompresses `input` ("gzip" for .gz files, "deflate" for zlib streams such as PNG data).
 * `sizeHint` preallocates the output when the size is known.
 *
 * @example
 * ```ts
 * const file = await Deno.open("test_batch.bin.gz");
 * const { bytes, error } = await decompress(file.readable, "gzip", 30_730_000);
 * ```
 */
export async function decompress(
  input: Uint8Array | Iterable<Uint8Array> | ReadableStream<Uint8Array>,
  format: CompressionFormat,
  sizeHint = 0,
): Promise<Decompressed> {
  const stream = (toStream(input) as ReadableStream<BufferSource>)
    .pipeThrough(new DecompressionStream(format));
  let out = new Uint8Array(Math.max(sizeHint, 1024));
  let length = 0;
  try {
    for await (const chunk of stream) {
      if (length + chunk.length > out.length) {
        const grown = new Uint8Array(Math.max(out.length * 2, length + chunk.length));
        grown.set(out.subarray(0, length));
        out = grown;
      }
      out.set(chunk, length);
      length += chunk.length;
    }
  } catch (e) {
    return { bytes: out.subarray(0, length), error: e as Error };
  }
  return { bytes: out.subarray(0, length) };
}

function toStream(
  input: Uint8Array | Iterable<Uint8Array> | ReadableStream<Uint8Array>,
): ReadableStream<Uint8Array> {
  if (input instanceof ReadableStream) return input;
  const parts = input instanceof Uint8Array ? [input] : input;
  return ReadableStream.from(parts) as ReadableStream<Uint8Array>;
}
