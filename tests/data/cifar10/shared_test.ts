/**
 * Integration test on the real CIFAR-10 in the shared folder beside the repository
 * (`../shared/cifar10`, gzip-compressed official batches). Skipped when it is absent.
 */
import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { loadCifar10 } from "../../../src/data/cifar10/load.ts";

const SHARED = fileURLToPath(new URL("../../../../shared/cifar10", import.meta.url));
const present = await Deno.stat(SHARED).then((s) => s.isDirectory, () => false);
if (!present) console.log(`Skipping the real CIFAR-10 tests: '${SHARED}' does not exist`);

/** Counts of each label 0..9. */
function classCounts(labels: Uint8Array): number[] {
  const counts = new Array(10).fill(0);
  for (const label of labels) counts[label]++;
  return counts;
}

/** (R, G, B) of pixel 0 of image `i`: one byte from each 1024-byte plane. */
function firstPixel(images: Uint8Array, i: number): number[] {
  return [images[i * 3072], images[i * 3072 + 1024], images[i * 3072 + 2048]];
}

Deno.test({
  name: "real CIFAR-10: 50,000 verified training images, starting with the known frog",
  ignore: !present,
  fn: async () => {
    const train = await loadCifar10(SHARED, { split: "train" }); // verifies every SHA-256
    assert.equal(train.n, 50_000);
    assert.equal(train.images.length, 50_000 * 3072);
    assert.deepEqual(classCounts(train.labels), new Array(10).fill(5000));
    assert.equal(train.labels[0], 6);
    assert.deepEqual(firstPixel(train.images, 0), [59, 62, 63]);
  },
});

Deno.test({
  name: "real CIFAR-10: 10,000 verified test images, starting with the known cat",
  ignore: !present,
  fn: async () => {
    const test = await loadCifar10(SHARED, { split: "test" });
    assert.equal(test.n, 10_000);
    assert.deepEqual(classCounts(test.labels), new Array(10).fill(1000));
    assert.equal(test.labels[0], 3);
    assert.deepEqual(firstPixel(test.images, 0), [158, 112, 49]);
  },
});
