import assert from "node:assert/strict";
import { crc32 } from "../../src/util/crc32.ts";

Deno.test("crc32 gives the standard check value for '123456789' and continues over parts", () => {
  const text = new TextEncoder().encode("123456789");
  assert.equal(crc32(text), 0xcbf43926); // the CRC-32/ISO-HDLC check value
  assert.equal(crc32(text.subarray(4), crc32(text.subarray(0, 4))), crc32(text));
});
