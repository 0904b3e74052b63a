/**
 * readCifar10Batch (exported by mod.ts for embedding programs): a batch file's bytes to images
 * and labels, with a wrong size or label refused, naming the batch.
 */
import assert from "node:assert/strict";
import { readCifar10Batch } from "../../../mod.ts";
import { encodeBatch, syntheticImages } from "../_fixtures.ts";

Deno.test("a batch's bytes become CHW images and labels, record by record", () => {
  const images = syntheticImages(3, 5);
  const data = readCifar10Batch(encodeBatch(images), "three.bin");
  assert.equal(data.n, 3);
  assert.deepEqual([...data.labels], images.map((i) => i.label));
  // Image 2, green plane (channel 1), row 4, column 7.
  assert.equal(data.images[2 * 3072 + 1024 + 4 * 32 + 7], images[2].pixel(1, 4, 7));
});

Deno.test("a cut batch or a label above 9 is refused, naming the batch", () => {
  const bytes = encodeBatch(syntheticImages(2, 6));
  assert.throws(
    () => readCifar10Batch(bytes.subarray(0, 5000), "cut.bin"),
    /Cannot read CIFAR-10 batch 'cut.bin' as its size must be a multiple of 3073 bytes: found 5000/,
  );
  bytes[3073] = 10;
  assert.throws(
    () => readCifar10Batch(bytes, "bad.bin"),
    /'bad.bin' as record 1 must have a label 0..9: found 10/,
  );
});
