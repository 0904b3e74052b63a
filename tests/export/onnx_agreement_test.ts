/**
 * ONNX Runtime runs the exported files and agrees with approxnas: the float export's logits
 * match the float engine's to 1e-4 of the largest logit and its top-1 class on at least 99.9%
 * of the images; the QDQ export's top-1 matches the exact 8-bit path on at least 99.5%.
 */
import assert from "node:assert/strict";
import { createClassifier } from "../../src/embed/classifier.ts";
import { floatOnnx, qdqOnnx } from "../../src/export/onnx/mod.ts";
import { agreement, ortLogits } from "../../scripts/onnx_runtime.ts";
import { networks, testImages } from "./_networks.ts";

/** Images per network: fewer for the seeded networks, whose test is of the export alone. */
const COUNTS: Record<string, number> = {
  "ResNet-8": 500,
  "evolved (concat + sum)": 500,
  "every op": 1000,
  "shipped example": 2000,
};
const COUNT = Math.max(...Object.values(COUNTS));
const wasm = await Deno.readFile(new URL("../../build/approxnas.wasm", import.meta.url));
const { images, source } = await testImages(COUNT);
const models = await networks();

for (const [name, model] of Object.entries(models)) {
  const count = COUNTS[name];
  Deno.test(`ONNX Runtime agrees with approxnas on ${name} (${count} ${source})`, async () => {
    const classes = model.graph.classes;
    const approx = async (mode: "float" | "exact8") => {
      const c = await createClassifier({ model, wasm, mode, batch: 100 });
      return c.classify(images, count).logits;
    };
    const float = agreement(
      await ortLogits(floatOnnx(model), images, count),
      await approx("float"),
      classes,
    );
    assert.ok(
      float.maxRel <= 1e-4,
      `${name} float: logits differ by ${float.maxRel} of the largest`,
    );
    assert.ok(float.top1 >= 0.999, `${name} float: top-1 agrees on ${float.top1}`);
    const qdq = agreement(
      await ortLogits(qdqOnnx(model, name), images, count),
      await approx("exact8"),
      classes,
    );
    assert.ok(qdq.top1 >= 0.995, `${name} QDQ: top-1 agrees with exact 8-bit on ${qdq.top1}`);
    console.log(
      `${name}: float top-1 ${float.top1}, max |diff| ${
        float.maxAbs.toExponential(2)
      }; QDQ top-1 ${qdq.top1}`,
    );
  });
}
