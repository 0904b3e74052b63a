/**
 * docs/model-format.md is enough for an outside program: a Python reader written from it
 * (tests/model/apxnet_float.py, numpy, float64) runs the float network of model files and
 * matches the engine's float logits to 1e-3 x (1 + |logit|): the shipped example (ResNet-8)
 * and a small network with every op (pooling with padding, concat, add, depthwise, biases).
 *
 * Skipped, with the reason printed, without python3 and numpy or without --allow-run=python3.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { createClassifier, loadModel } from "../../mod.ts";
import { compileEngine } from "../../src/engine/wasm.ts";
import { encodeModel } from "../../src/model/model_file.ts";
import { everyOpGraph, randomImages, randomModel } from "../quant/_models.ts";

const READER = fileURLToPath(new URL("./apxnet_float.py", import.meta.url));
const EXAMPLE = fileURLToPath(
  new URL("../../data/examples/resnet8-bam_h1v4.apxnet", import.meta.url),
);
const TOLERANCE = 1e-3;

function pythonUnavailable(): string | null {
  if (Deno.permissions.querySync({ name: "run", command: "python3" }).state !== "granted") {
    return "the test runs without --allow-run=python3";
  }
  try {
    const r = new Deno.Command("python3", { args: ["-c", "import numpy"], stderr: "piped" })
      .outputSync();
    if (r.code !== 0) return "python3 has no numpy";
  } catch (e) {
    return `python3 cannot run: ${(e as Error).message}`;
  }
  return null;
}

const unavailable = pythonUnavailable();
if (unavailable) console.log(`Python model-file reader test skipped: ${unavailable}`);

async function pythonLogits(model: string, images: string, count: number): Promise<number[][]> {
  const out = await new Deno.Command("python3", {
    args: [READER, model, images, String(count)],
    stdout: "piped",
    stderr: "piped",
  }).output();
  assert.equal(out.code, 0, new TextDecoder().decode(out.stderr));
  return JSON.parse(new TextDecoder().decode(out.stdout));
}

Deno.test({
  name: "a Python reader written from docs/model-format.md matches the engine's float logits",
  ignore: unavailable !== null,
}, async () => {
  const dir = await Deno.makeTempDir({ prefix: "approxnas-pyreader-" });
  try {
    const count = 6;
    const images = randomImages(count, 41);
    await Deno.writeFile(join(dir, "images.bin"), images);
    await Deno.writeFile(join(dir, "every-op.apxnet"), encodeModel(randomModel(everyOpGraph(), 7)));
    const wasm = await compileEngine();
    for (const path of [EXAMPLE, join(dir, "every-op.apxnet")]) {
      const model = loadModel(await Deno.readFile(path), path);
      const classifier = await createClassifier({ model, wasm, mode: "float" });
      const want = classifier.classify(images).logits;
      classifier.close();
      const got = (await pythonLogits(path, join(dir, "images.bin"), count)).flat();
      assert.equal(got.length, want.length, `${path}: logits`);
      got.forEach((x, i) => {
        const err = Math.abs(x - want[i]);
        assert.ok(
          err <= TOLERANCE * (1 + Math.abs(want[i])),
          `${path} logit ${i}: ${x} vs ${want[i]}`,
        );
      });
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
