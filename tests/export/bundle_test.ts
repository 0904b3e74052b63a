/**
 * The hardware bundle of the shipped example: its files, Verilog that the project's own
 * importer elaborates back to the table it ships, per-layer parameters that add up, and a
 * README with the accuracies and energies measured.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { writeBundle } from "../../src/export/bundle.ts";
import type { NetworkParams } from "../../src/export/layer_params.ts";
import { defaultOut, exportAs } from "../../src/export/formats.ts";
import { summarizeOnnx } from "../../src/export/onnx/mod.ts";
import { graphCost } from "../../src/graph/count.ts";
import { tableFromBytes } from "../../src/multipliers/table_file.ts";
import { simulateTable } from "../../src/multipliers/simulate.ts";
import { verilogToNetlist } from "../../src/multipliers/verilog/elaborate.ts";
import { readModelFile } from "../../src/model/model_file.ts";
import { ortLogits, top1 } from "../../scripts/onnx_runtime.ts";
import { EXAMPLE, testImages } from "./_networks.ts";

const example = await readModelFile(EXAMPLE);
const COUNT = 100;
const { images, labels, source } = await testImages(COUNT);

/** Accuracy of an ONNX file of the bundle, run by ONNX Runtime. */
async function ortAccuracy(file: string): Promise<number> {
  const predicted = top1(await ortLogits(await Deno.readFile(file), images, COUNT), 10);
  return predicted.filter((p, i) => p === labels[i]).length / COUNT;
}

async function inTempDir(fn: (dir: string) => Promise<void>) {
  const dir = await Deno.makeTempDir();
  try {
    await fn(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test("bundle of the shipped example: ONNX files, Verilog, tables, layers.json, README", async () => {
  await inTempDir(async (dir) => {
    const test = { images, labels, count: COUNT, source };
    const { files, accuracies } = await writeBundle(example, { out: dir, name: "example", test });
    assert.deepEqual(files.sort(), [
      "README.md",
      "exact8.qdq.onnx",
      "float.onnx",
      "layers.json",
      "multipliers/mul8u_bam_h1v4.bin",
      "multipliers/mul8u_bam_h1v4.v",
    ]);
    assert.equal(summarizeOnnx(await Deno.readFile(join(dir, "float.onnx"))).outputs[0], "logits");

    const verilog = await Deno.readTextFile(join(dir, "multipliers/mul8u_bam_h1v4.v"));
    const { netlist } = verilogToNetlist(verilog, "mul8u_bam_h1v4.v");
    const bin = tableFromBytes(
      await Deno.readFile(join(dir, "multipliers/mul8u_bam_h1v4.bin")),
      "bin",
    );
    const carried = example.tables!.find((t) => t.name === "mul8u_bam_h1v4")!.table;
    assert.deepEqual(simulateTable(netlist), carried);
    assert.deepEqual(bin, carried);

    const params: NetworkParams = JSON.parse(await Deno.readTextFile(join(dir, "layers.json")));
    const cost = graphCost(example.graph);
    assert.deepEqual(params.layers.map((l) => l.node), [...cost.multsByNode.keys()]);
    assert.equal(params.layers.reduce((s, l) => s + l.multiplications, 0), cost.mults);
    assert.ok(params.layers.every((l) => l.biasCorrection?.length === l.outChannels));
    assert.equal(params.totals.exactNj!.toFixed(1), "6990.0"); // data/examples/README.md
    assert.equal(params.totals.approximateNj!.toFixed(1), "5583.8");

    const readme = await Deno.readTextFile(join(dir, "README.md"));
    const pct = (x: number) => `${(100 * x).toFixed(2)}%`;
    // Measured by approxnas; ONNX Runtime on the bundle's files agrees (within one image).
    assert.ok(Math.abs(accuracies!.float - await ortAccuracy(join(dir, "float.onnx"))) <= 0.01);
    assert.ok(
      Math.abs(accuracies!.exact8 - await ortAccuracy(join(dir, "exact8.qdq.onnx"))) <= 0.01,
    );
    assert.ok(readme.includes(`| float32 | ${pct(accuracies!.float)} | - |`), readme);
    assert.ok(readme.includes(`| ${pct(accuracies!.exact8)} | 6990.0 nJ |`), readme);
    assert.ok(readme.includes(`| ${pct(accuracies!.approx8)} | 5583.8 nJ (79.88% of exact) |`));
    assert.match(readme, /first 100 /);
  });
});

Deno.test("a bundle needs the model's calibration: the error names 'inference'", async () => {
  await inTempDir(async (dir) => {
    await assert.rejects(
      writeBundle({ ...example, inference: undefined }, { out: dir, name: "plain.apxnet" }),
      /'plain.apxnet'.*'inference' field is missing/,
    );
  });
});

Deno.test("--format onnx and onnx-qdq write beside the model by default", async () => {
  assert.equal(defaultOut("runs/x/model.apxnet", "onnx"), "runs/x/model.onnx");
  assert.equal(defaultOut("runs/x/model.apxnet", "onnx-qdq"), "runs/x/model.qdq.onnx");
  assert.equal(defaultOut("runs/x/model.apxnet", "bundle"), "runs/x/model.bundle");
  await inTempDir(async (dir) => {
    const out = join(dir, "net.onnx");
    const lines = await exportAs("onnx", example, { out, name: "example", keepBatchNorm: true });
    assert.match(lines[0], /^wrote .*net\.onnx/);
    assert.ok(summarizeOnnx(await Deno.readFile(out)).ops.includes("BatchNormalization"));
  });
});
