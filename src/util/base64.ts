/**
 * Base64 of bytes and back, with btoa/atob (Deno, browsers, Node.js 16+): no Deno API, so the
 * embedding library can bundle it.
 */

/** Base64 of `bytes`; chunks keep String.fromCharCode's argument lists short. */
export function bytesToBase64(bytes: Uint8Array): string {
  let text = "";
  for (let i = 0; i < bytes.length; i += 0x8000) {
    text += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  }
  return btoa(text);
}

/** The bytes of a base64 string. */
export function base64ToBytes(text: string): Uint8Array {
  return Uint8Array.from(atob(text), (ch) => ch.charCodeAt(0));
}
