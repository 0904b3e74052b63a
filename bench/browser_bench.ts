/**
 * The embedding library's speed in headless Chromium beside Deno, on the same machine in
 * one run: the same model file, images, modes and batch, one thread each (Deno's main
 * thread, the page's main thread), rounds alternating between the two so that load from
 * other jobs hits both alike. Prints images/s (best and median of the rounds) and the ratio
 * browser / Deno, and checks that the browser's 8-bit logits equal Deno's bit for bit.
 *
 *   deno run --unstable-bundle --allow-read --allow-write --allow-env --allow-net=127.0.0.1 \
 *     --allow-run=/usr/bin/chromium --allow-sys=homedir,osRelease bench/browser_bench.ts \
 *     --model /tmp/g7-c4.embed.apxnet [--images 1000] [--rounds 5] [--modes approx8,exact8]
 *
 * or `deno task bench:browser [--model FILE]` (default: the shipped example model).
 *
 * A model file that is not self-contained is made so first (deno task export's defaults:
 * recorded multipliers and calibration, CIFAR-10 training images). Images: the first N
 * CIFAR-10 test images when CIFAR-10 is available, else seeded synthetic ones.
 */
import { choiceFlag, intFlag, parseFlags, runMain, UsageError } from "../src/cli/args.ts";
import { DATA_FLAG } from "../src/cli/common_flags.ts";
import { CLASS_NAMES, getCifar10 } from "../src/data/cifar10/mod.ts";
import { startDemo } from "../src/embed/demo_server.ts";
import { makeSelfContained } from "../src/embed/export.ts";
import { compileEngine } from "../src/engine/wasm.ts";
import { graphCost } from "../src/graph/count.ts";
import { decodeModel, encodeModel } from "../src/model/model_file.ts";
import { Rng } from "../src/util/rng.ts";
import { createClassifier, loadModel, type Mode, MODES } from "../mod.ts";
import { launchChromium } from "../tests/e2e/_browser.ts";
import { IMAGE_BYTES } from "../src/data/cifar10/format.ts";

const FLAGS = {
  model: {
    type: "string",
    value: "FILE",
    default: "data/examples/resnet8-bam_h1v4.apxnet",
    help: "model file (.apxnet), self-contained or not",
  },
  images: { type: "string", value: "N", default: "1000", help: "images per timed pass" },
  rounds: { type: "string", value: "N", default: "5", help: "timed passes per side, alternating" },
  modes: { type: "string", value: "LIST", default: "approx8,exact8,float", help: "modes to time" },
  batch: { type: "string", value: "N", default: "50", help: "images per engine call (both sides)" },
  data: { ...DATA_FLAG, defaultText: "$CIFAR10_DIR, else the cache" },
} as const;

/** What the page runs: the same calls as the Deno side, timed with the page's clock. */
interface BrowserBench {
  prepare(mode: Mode, batch: number, n: number): Promise<void>;
  pass(mode: Mode): number;
  logits(mode: Mode): number[];
}

await runMain(async () => {
  const f = parseFlags(
    Deno.args,
    FLAGS,
    "Usage: deno task bench:browser [options]\n\nExample: deno task bench:browser --rounds 3",
  );
  if (typeof f.model !== "string") throw new UsageError("--model FILE is required");
  const n = intFlag("images", f.images);
  const rounds = intFlag("rounds", f.rounds);
  const batch = intFlag("batch", f.batch);
  const modes = String(f.modes).split(",").map((m) => choiceFlag("modes", m.trim(), MODES));
  const dataDir = f.data === undefined ? undefined : String(f.data);

  let bytes: Uint8Array = await Deno.readFile(f.model);
  const saved = decodeModel(bytes, f.model);
  if (!saved.inference) {
    console.log(`${f.model} is not self-contained: calibrating on CIFAR-10 training images`);
    const train = await getCifar10({ dir: dataDir, split: "train", download: false });
    bytes = encodeModel(await makeSelfContained(saved, { calibrationImages: train.images }));
  }
  let images: Uint8Array, source: string;
  try {
    const test = await getCifar10({ dir: dataDir, split: "test", download: false });
    if (n > test.n) throw new UsageError(`--images ${n}: the test set has ${test.n}`);
    images = test.images.slice(0, n * IMAGE_BYTES);
    source = `the first ${n} CIFAR-10 test images`;
  } catch (e) {
    if (e instanceof UsageError) throw e;
    const rng = new Rng(1);
    images = Uint8Array.from({ length: n * IMAGE_BYTES }, () => rng.int(256));
    source = `${n} random images (CIFAR-10 not found: ${(e as Error).message.split("\n")[0]})`;
  }
  const cost = graphCost(saved.graph);
  console.log(
    `${f.model}: ${saved.graph.name}, ${cost.params.toLocaleString("en")} parameters, ` +
      `${cost.mults.toLocaleString("en")} multiplications per image; ${source}; batch ${batch}; ` +
      `${rounds} alternating rounds per mode, one thread per side`,
  );

  const server = await startDemo({
    models: [{ id: "bench", label: "bench", load: () => Promise.resolve(bytes) }],
    testImages: () => Promise.resolve({ images, labels: new Uint8Array(n), classes: CLASS_NAMES }),
    port: 0,
  });
  const browser = await launchChromium();
  try {
    const page = await browser.newPage();
    await page.goto(`${server.url}api/models`);
    const browserVersion = browser.version();
    // The page imports the bundle and fetches the same file and images from the server.
    await page.evaluate(async ([count, libUrl]) => {
      const lib = await import(libUrl);
      const get = async (url: string) => new Uint8Array(await (await fetch(url)).arrayBuffer());
      const wasm = await lib.compileWasm(await get("/lib/approxnas.wasm"));
      const model = lib.loadModel(await get("/models/bench.apxnet"), "bench.apxnet");
      const body = await get(`/api/test?start=0&count=${count}`);
      const imgs = body.subarray(0, count * IMAGE_BYTES);
      const classifiers: Record<string, { classify(i: Uint8Array): { logits: Float32Array } }> = {};
      const last: Record<string, Float32Array> = {};
      const bench: BrowserBench = {
        async prepare(mode, b, warm) {
          classifiers[mode] = await lib.createClassifier({ model, wasm, mode, batch: b });
          classifiers[mode].classify(imgs.subarray(0, Math.min(warm, count) * IMAGE_BYTES));
        },
        pass(mode) {
          const t0 = performance.now();
          last[mode] = classifiers[mode].classify(imgs).logits;
          return performance.now() - t0;
        },
        logits: (mode) => Array.from(last[mode]),
      };
      (globalThis as unknown as { bench: BrowserBench }).bench = bench;
    }, [n, "/lib/mod.js"] as const);

    const wasm = await compileEngine();
    const model = loadModel(bytes, f.model);
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
    console.log(
      `\nDeno ${Deno.version.deno} (V8 ${Deno.version.v8}) vs headless Chromium ${browserVersion}\n`,
    );
    console.log(
      "| mode | Deno img/s best (median) | Chromium img/s best (median) | Chromium / Deno (best) | " +
        "logits |",
    );
    console.log("| --- | --- | --- | --- | --- |");
    for (const mode of modes) {
      const classifier = await createClassifier({ model, wasm, mode, batch });
      classifier.classify(images.subarray(0, Math.min(batch * 2, n) * IMAGE_BYTES)); // warm-up
      await page.evaluate(
        ([m, b, w]) => (globalThis as unknown as { bench: BrowserBench }).bench.prepare(m, b, w),
        [mode, batch, batch * 2] as const,
      );
      const deno: number[] = [], chromium: number[] = [];
      let denoLogits: Float32Array = new Float32Array(0);
      for (let r = 0; r < rounds; r++) {
        const t0 = performance.now();
        denoLogits = classifier.classify(images).logits;
        deno.push(n / ((performance.now() - t0) / 1000));
        const ms = await page.evaluate(
          (m) => (globalThis as unknown as { bench: BrowserBench }).bench.pass(m),
          mode,
        );
        chromium.push(n / (ms / 1000));
      }
      const got = Float32Array.from(
        await page.evaluate(
          (m) => (globalThis as unknown as { bench: BrowserBench }).bench.logits(m),
          mode,
        ),
      );
      const a = new Uint32Array(got.buffer), b = new Uint32Array(denoLogits.buffer);
      const differ = a.reduce((s, x, i) => s + (x === b[i] ? 0 : 1), 0);
      const same = differ === 0 ? "identical" : `${differ} of ${a.length} differ`;
      if (differ && mode !== "float") {
        throw new Error(`${mode}: the browser's logits differ from Deno's (${same})`);
      }
      const fmt = (xs: number[]) => `${Math.max(...xs).toFixed(0)} (${median(xs).toFixed(0)})`;
      console.log(
        `| ${mode} | ${fmt(deno)} | ${fmt(chromium)} | ${
          (Math.max(...chromium) / Math.max(...deno)).toFixed(2)
        } | ${same} |`,
      );
      classifier.close();
    }
  } finally {
    await browser.close();
    await server.close();
  }
});
