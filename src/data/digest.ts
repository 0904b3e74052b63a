/** Content digests through WebCrypto, in the two spellings the project compares against. */
import { bytesToBase64 } from "../util/base64.ts";

/**
 * SHA-256 of `bytes` as lowercase hex, the spelling of `sha256sum`.
 *
 * @example
 * ```ts
 * await sha256Hex(new TextEncoder().encode("abc")); // "ba7816bf…"
 * ```
 */
export async function sha256Hex(bytes: Uint8Array): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", bytes as BufferSource));
  return Array.from(digest, (b) => b.toString(16).padStart(2, "0")).join("");
}

const SRI_ALGORITHMS: Readonly<Record<string, string>> = {
  sha1: "SHA-1",
  sha256: "SHA-256",
  sha384: "SHA-384",
  sha512: "SHA-512",
};

/**
 * Subresource-integrity string (`sha512-<base64>`, as npm publishes `dist.integrity`) of
 * `bytes`, computed with the same algorithm as `like`.
 *
 * @example
 * ```ts
 * const found = await integrityOf(tarball, "sha512-Ij+0…");
 * if (found !== expected) throw new Error(`expected ${expected}: found ${found}`);
 * ```
 */
export async function integrityOf(bytes: Uint8Array, like: string): Promise<string> {
  const algorithm = like.slice(0, like.indexOf("-"));
  const webName = SRI_ALGORITHMS[algorithm];
  if (webName === undefined) {
    throw new Error(
      `Cannot check integrity '${like}': expected one of ${
        Object.keys(SRI_ALGORITHMS).join(", ")
      } before the '-'`,
    );
  }
  const digest = new Uint8Array(await crypto.subtle.digest(webName, bytes as BufferSource));
  return `${algorithm}-${bytesToBase64(digest)}`;
}
