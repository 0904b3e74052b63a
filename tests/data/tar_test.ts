import assert from "node:assert/strict";
import { readTar } from "../../src/data/tar.ts";
import { buildTar, paxPathRecord } from "./_fixtures.ts";

const text = new TextEncoder();

Deno.test("reads names, types and contents, including sizes that need padding", () => {
  const big = Uint8Array.from({ length: 1500 }, (_, i) => (i * 7) & 0xff);
  const tar = buildTar([
    { name: "package/", typeFlag: "5" },
    { name: "package/package.json", data: text.encode('{"name":"x"}') },
    { name: "package/empty.txt" },
    { name: "package/data.bin", data: big },
    { name: "package/link", typeFlag: "2" },
  ]);
  const entries = readTar(tar, "test.tar");
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

Deno.test("long paths come from the ustar prefix, a pax header or a GNU long-name record", () => {
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
  const entries = readTar(tar, "long.tar");
  assert.deepEqual(entries.map((e) => [e.name, e.data[0]]), [
    [long, 1],
    [long + ".pax", 2],
    [long + ".gnu", 3],
    ["package/after.txt", 4], // a long name applies to the next entry only
  ]);
});

Deno.test("a damaged header checksum is reported with its offset", () => {
  const tar = buildTar([{ name: "a", data: Uint8Array.of(1) }, { name: "b" }]);
  tar[1024] ^= 0x01; // the second header starts after the first header and its data block
  assert.throws(() => readTar(tar, "bad.tar"), {
    message: /^Cannot read bad\.tar: header at byte 1024 has checksum \d+, computed \d+$/,
  });
});

Deno.test("a truncated archive names the entry and how much data is missing", () => {
  const tar = buildTar([{ name: "package/big", data: new Uint8Array(2000) }]);
  assert.throws(() => readTar(tar.subarray(0, 512 + 700), "cut.tgz"), {
    message: "Cannot read cut.tgz: entry 'package/big' at byte 0 needs 2000 bytes of data, " +
      "found 700 (truncated)",
  });
  assert.throws(() => readTar(tar.subarray(0, 300), "cut.tgz"), {
    message: "Cannot read cut.tgz: expected a 512-byte header at byte 0, found 300 bytes " +
      "(truncated)",
  });
});

Deno.test("an archive without the closing zero blocks still lists its entries", () => {
  const tar = buildTar([{ name: "only", data: Uint8Array.of(9) }]);
  const entries = readTar(tar.subarray(0, 1024), "open.tar");
  assert.deepEqual(entries.map((e) => e.name), ["only"]);
});
