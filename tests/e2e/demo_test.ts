/**
 * The browser demo in headless Chromium: the page loads the bundled library and a model
 * file, classifies test images in exact and approximate 8-bit, shows a card per image with
 * both predictions, the accuracy so far and the energy per inference of each mode, and its
 * logits are the Deno API's, bit for bit, for the same file and images. Runs on a tiny
 * network built here and on the shipped example (data/examples/), with synthetic images.
 *
 * Needs /usr/bin/chromium (bash scripts/install_chromium.sh), --unstable-bundle and
 * --allow-run=/usr/bin/chromium --allow-net=127.0.0.1 besides read/write/env; skipped (with
 * the reason printed) otherwise.
 */
import assert from "node:assert/strict";
import { browserUnavailable, launchChromium, waitForCount } from "./_browser.ts";
import { CLASS_NAMES } from "../../src/data/cifar10/mod.ts";
import { startDemo } from "../../src/embed/demo_server.ts";
import { makeSelfContained } from "../../src/embed/export.ts";
import { compileEngine } from "../../src/engine/wasm.ts";
import { encodeModel } from "../../src/model/model_file.ts";
import { createClassifier, loadModel, type Mode } from "../../mod.ts";
import { CALIBRATION, CALIBRATION_COUNT, sameBits, tinySetup } from "../embed/_fixture.ts";
import { randomImages } from "../quant/_models.ts";
import { Rng } from "../../src/util/rng.ts";

const EXAMPLE = new URL("../../data/examples/resnet8-bam_h1v4.apxnet", import.meta.url);

const unavailable = browserUnavailable() ??
  (typeof (Deno as unknown as { bundle?: unknown }).bundle === "function"
    ? null
    : "the test runs without --unstable-bundle");
if (unavailable) console.log(`demo end-to-end test skipped: ${unavailable}`);

interface PageResults {
  done: number;
  truth: number[];
  results: Record<string, { labels: number[]; logits: number[] }>;
}

Deno.test({
  name: "demo in Chromium: classifies in exact and approximate 8-bit like the Deno API",
  ignore: unavailable !== null,
  sanitizeResources: false,
  sanitizeOps: false,
}, async (t) => {
  const setup = tinySetup();
  const tiny = encodeModel(
    await makeSelfContained(setup.model, {
      calibrationImages: setup.calibrationImages,
      calibrationCount: CALIBRATION_COUNT,
      calibration: CALIBRATION,
      multipliers: setup.multipliers,
      compensate: true,
    }),
  );
  const example = await Deno.readFile(EXAMPLE);
  const count = 30;
  const images = randomImages(count, 41);
  const rng = new Rng(5);
  const labels = Uint8Array.from({ length: count }, () => rng.int(10));
  const server = await startDemo({
    models: [
      { id: "tiny", label: "tiny network", load: () => Promise.resolve(tiny) },
      { id: "example", label: "shipped example", load: () => Promise.resolve(example) },
    ],
    testImages: () => Promise.resolve({ images, labels, classes: CLASS_NAMES }),
    port: 0,
  });
  const wasm = await compileEngine();
  const browser = await launchChromium();
  try {
    const page = await browser.newPage({ viewport: { width: 1300, height: 900 } });
    const pageErrors: string[] = [];
    page.on("pageerror", (e) => pageErrors.push(e.message));
    await page.goto(server.url);
    await page.waitForSelector("html[data-ready=true]", { timeout: 20_000 });

    /** Classifies the first n images on the page; checks what it shows against Deno. */
    const classifyAndCompare = async (file: Uint8Array, name: string, n: number) => {
      await page.fill("#start", "0");
      await page.fill("#count", String(n));
      await page.click("#run");
      await page.waitForSelector(`html[data-done="${n}"]`, { timeout: 60_000 });
      await waitForCount(page.locator("#results .result"), n);
      const shown = await page.evaluate(() =>
        (globalThis as unknown as { demo: PageResults }).demo
      );
      assert.deepEqual(shown.truth, Array.from(labels.subarray(0, n)), `${name}: true classes`);
      const model = loadModel(file, name);
      for (const mode of ["exact8", "approx8"] as Mode[]) {
        const c = await createClassifier({ model, wasm, mode });
        const want = c.classify(images, n);
        const got = Float32Array.from(shown.results[mode].logits);
        assert.ok(sameBits(got, want.logits), `${name} ${mode}: browser logits differ from Deno's`);
        assert.deepEqual(shown.results[mode].labels, Array.from(want.labels), `${name} ${mode}`);
        let correct = 0;
        for (let i = 0; i < n; i++) correct += want.labels[i] === labels[i] ? 1 : 0;
        const panel = page.locator(`#mode-${mode}`);
        const accuracy = await panel.locator(".accuracy").textContent();
        assert.equal(
          accuracy,
          `${(100 * correct / n).toFixed(1)}% (${correct} / ${n})`,
          `${name} ${mode}: accuracy so far`,
        );
        const energy = await panel.locator(".energy").textContent();
        assert.match(
          energy ?? "",
          new RegExp(`^${c.energyPerInferenceNj!.toFixed(1)} nJ`),
          `${name} ${mode}: energy`,
        );
        const wrongCards = await page.locator(`#results .${mode}.wrong`).count();
        assert.equal(wrongCards, n - correct, `${name} ${mode}: wrong predictions marked`);
      }
    };

    await t.step("the tiny network: 30 images, both modes as in Deno", async () => {
      await classifyAndCompare(tiny, "tiny.apxnet", count);
      const card = await page.locator("#results .result").first().textContent();
      assert.match(card ?? "", new RegExp(`^${CLASS_NAMES[labels[0]]}exact: \\w+approx: \\w+$`));
    });

    await t.step("the shipped example, chosen in the list", async () => {
      await page.selectOption("#model", "example");
      await page.waitForSelector("html[data-ready=true]", { timeout: 20_000 });
      assert.match(
        await page.locator("#mode-approx8 .multipliers").textContent() ?? "",
        /mul8u_bam_h1v4 in every layer \(mean error compensated in the biases\)/,
      );
      await classifyAndCompare(example, "example.apxnet", 12);
    });
    assert.deepEqual(pageErrors, []);
  } finally {
    await browser.close();
    await server.close();
  }
});
