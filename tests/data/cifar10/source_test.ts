import assert from "node:assert/strict";
import { join } from "node:path";
import { cifar10CacheDir, resolveCifar10Dir } from "../../../src/data/cifar10/source.ts";
import { syntheticSet, withEnv, writeSet } from "../_fixtures.ts";

const RECORDS = 3;

/** A temp folder with `flag/`, `env/` and `cache/cifar10/` each holding a full tiny set. */
async function withThreeSources(fn: (root: string) => Promise<void>): Promise<void> {
  const root = await Deno.makeTempDir({ prefix: "cifar10_source_test_" });
  try {
    for (const sub of ["flag", "env", join("cache", "cifar10")]) {
      await Deno.mkdir(join(root, sub), { recursive: true });
      await writeSet(join(root, sub), syntheticSet(RECORDS));
    }
    await fn(root);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
}

/** Fails the test if anything tries to download. */
const noFetch = (url: string): Promise<Response> => {
  throw new Error(`unexpected download of ${url}`);
};

Deno.test("a directory from a flag wins, then CIFAR10_DIR, then the cache", async () => {
  await withThreeSources(async (root) => {
    const options = { cacheRoot: join(root, "cache"), records: RECORDS, fetch: noFetch };
    await withEnv({ CIFAR10_DIR: join(root, "env") }, async () => {
      assert.equal(
        await resolveCifar10Dir({ ...options, dir: join(root, "flag") }),
        join(root, "flag"),
      );
      assert.equal(await resolveCifar10Dir(options), join(root, "env"));
    });
    await withEnv({ CIFAR10_DIR: undefined }, async () => {
      assert.equal(await resolveCifar10Dir(options), join(root, "cache", "cifar10"));
    });
  });
});

Deno.test("a given directory missing batches is rejected with the missing names", async () => {
  await withThreeSources(async (root) => {
    await Deno.remove(join(root, "flag", "data_batch_2.bin"));
    await Deno.remove(join(root, "flag", "test_batch.bin"));
    await assert.rejects(resolveCifar10Dir({ dir: join(root, "flag"), fetch: noFetch }), {
      message: `Cannot use '${join(root, "flag")}' (the given directory) for CIFAR-10: expected ` +
        "every batch as .bin or .bin.gz, found none for data_batch_2.bin, test_batch.bin",
    });
    await withEnv({ CIFAR10_DIR: join(root, "nowhere") }, async () => {
      await assert.rejects(resolveCifar10Dir({ fetch: noFetch }), {
        message: new RegExp(`^Cannot use '${join(root, "nowhere")}' \\(CIFAR10_DIR\\)`),
      });
    });
  });
});

Deno.test("a cache with a short batch does not count, and downloading can be turned off", async () => {
  await withThreeSources(async (root) => {
    const cache = join(root, "cache", "cifar10");
    const path = join(cache, "data_batch_5.bin");
    await Deno.writeFile(path, (await Deno.readFile(path)).subarray(0, 100));
    await withEnv({ CIFAR10_DIR: undefined }, async () => {
      await assert.rejects(
        resolveCifar10Dir({ cacheRoot: join(root, "cache"), records: RECORDS, download: false }),
        {
          message: "Cannot find CIFAR-10: expected a directory given by a flag or CIFAR10_DIR, " +
            `or the six converted batch files in '${cache}', found none (and downloading is off)`,
        },
      );
    });
  });
});

Deno.test("the cache folder follows APPROXNAS_CACHE, else HOME", async () => {
  await withEnv({ APPROXNAS_CACHE: "/somewhere/cache", HOME: "/home/someone" }, () => {
    assert.equal(cifar10CacheDir(), join("/somewhere/cache", "cifar10"));
    assert.equal(cifar10CacheDir("/given"), join("/given", "cifar10"));
  });
  await withEnv({ APPROXNAS_CACHE: undefined, HOME: "/home/someone" }, () => {
    assert.equal(cifar10CacheDir(), join("/home/someone", ".cache", "approxnas", "cifar10"));
  });
  await withEnv(
    { APPROXNAS_CACHE: undefined, HOME: undefined, USERPROFILE: undefined },
    () => {
      assert.throws(() => cifar10CacheDir(), {
        message: "Cannot find a cache folder for CIFAR-10: expected $APPROXNAS_CACHE or $HOME, " +
          "found neither",
      });
    },
  );
});
