import assert from "node:assert/strict";
import { readTar } from "../../src/data/tar.ts";
import { buildTar, paxPathRecord } from "./_fixtures.ts";

const text = new TextEncoder();

Deno.test("reads names, types and contents, including sizes that need padding", async () => {
  const big = Uint8Array.from({ length: 1500 }, (_, i) => (i * 7) & 0xff);
  const tar = buildTar([
    { name: "package/", typeFlag: "5" },
    { name: "package/package.json", data: text.encode('{"name":"x"}') },
    { name: "package/empty.txt" },
    { name: "package/data.bin", data: big },
    { name: "package/link", typeFlag: "2" },
  ]);
  const entries = await readTar(tar, "test.tar");
  assert.deepEqual(entries.map((e) => [e.name, e.type, e.data.length]), [
    ["package/", "directory", 0],
    ["package/package.json", "file", 12],
    ["package/empty.txt", "file", 0],
    ["package/data.bin", "file", 1500],
    ["package/link", "other", 0],
  ]);
  assert.equal(new TextDecoder().decode(entries[1].data), '{"name":"x"}');
  assert.deepEqual(entries[3].data, big);
});

Deno.test("long paths come from the ustar prefix, a pax header or a GNU long-name record", async () => {
  const deep = "package/" + "d".repeat(120);
  const long = deep + "/file.png";
  const tar = buildTar([
    { name: "file.png", prefix: deep, data: Uint8Array.of(1) },
    { name: "PaxHeader/x", typeFlag: "x", data: paxPathRecord(long + ".pax") },
    { name: "truncated-name", data: Uint8Array.of(2) },
    { name: "././@LongLink", typeFlag: "L", data: text.encode(long + ".gnu\0") },
    { name: "truncated-too", data: Uint8Array.of(3) },
    { name: "package/after.txt", data: Uint8Array.of(4) },
  ]);
  const entries = await readTar(tar, "long.tar");
  assert.deepEqual(entries.map((e) => [e.name, e.data[0]]), [
    [long, 1],
    [long + ".pax", 2],
    [long + ".gnu", 3],
    ["package/after.txt", 4], // a long name applies to the next entry only
  ]);
});

Deno.test("a damaged header checksum is reported after the entries before it", async () => {
  const tar = buildTar([{ name: "a", data: Uint8Array.of(1) }, { name: "b" }]);
  tar[1024] ^= 0x01; // the second header starts after the first header and its data block
  await assert.rejects(readTar(tar, "bad.tar"), {
    message: /^Cannot read bad\.tar: Invalid tar header\b.* \(after 1 entry\)$/,
  });
});

Deno.test("a truncated archive is reported as cut, in its data or in a header", async () => {
  const tar = buildTar([{ name: "package/big", data: new Uint8Array(2000) }]);
  await assert.rejects(readTar(tar.subarray(0, 512 + 700), "cut.tgz"), {
    message: "Cannot read cut.tgz: Unexpected end of data (after 0 entries)",
  });
  await assert.rejects(readTar(tar.subarray(0, 300), "cut.tgz"), {
    message: "Cannot read cut.tgz: Unexpected end of data (after 0 entries)",
  });
});

Deno.test("an archive without the closing zero blocks still lists its entries", async () => {
  const tar = buildTar([{ name: "only", data: Uint8Array.of(9) }]);
  const entries = await readTar(tar.subarray(0, 1024), "open.tar");
  assert.deepEqual(entries.map((e) => e.name), ["only"]);
});
