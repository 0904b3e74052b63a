import assert from "node:assert/strict";
import { decodeModel, encodeModel, loadModel, saveModel } from "../../src/train/model_file.ts";
import { paramLayout } from "../../src/train/layout.ts";
import { resnet } from "../../src/graph/resnet.ts";
import { Rng } from "../../src/util/rng.ts";

function randomModel() {
  const graph = resnet(8);
  const layout = paramLayout(graph);
  const rng = new Rng(7);
  const params = Float32Array.from({ length: layout.paramCount }, () => rng.normal());
  const state = Float32Array.from({ length: layout.stateCount }, () => rng.next());
  return { graph, params, state, meta: { epochs: 3, note: "test" } };
}

Deno.test("a model survives save and load bit for bit", async () => {
  const model = randomModel();
  const dir = await Deno.makeTempDir();
  const path = `${dir}/m.apxnet`;
  await saveModel(path, model);
  const back = await loadModel(path);
  assert.deepEqual(back.graph, model.graph);
  assert.deepEqual(back.params, model.params);
  assert.deepEqual(back.state, model.state);
  assert.deepEqual(back.meta, model.meta);
  await Deno.remove(dir, { recursive: true });
});

Deno.test("the layout of ResNet-8 covers its 78,042 parameters", () => {
  const layout = paramLayout(resnet(8));
  assert.equal(layout.paramCount, 78042);
  // 9 batch norms (7 in the blocks and stem, 2 on the projections) with running mean and var.
  const bnChannels = 16 + 16 + 16 + 32 + 32 + 32 + 64 + 64 + 64;
  assert.equal(layout.stateCount, 2 * bnChannels);
  let expected = 0;
  for (const s of layout.params) {
    assert.equal(s.offset, expected, `slot ${s.node}.${s.name} is contiguous`);
    expected += s.length;
  }
});

Deno.test("damaged model files are refused with the reason", () => {
  const bytes = encodeModel(randomModel());
  assert.throws(
    () => decodeModel(bytes.subarray(0, bytes.length - 4), "cut.apxnet"),
    /'cut.apxnet': it must be \d+ bytes for its graph, found \d+/,
  );
  const bad = bytes.slice();
  bad[0] = 0x51;
  assert.throws(() => decodeModel(bad, "x"), /must start with 'APXNET01', found 'QPXNET01'/);
  assert.throws(() => decodeModel(new Uint8Array(5), "tiny"), /at least 12 bytes, found 5/);
  const m = randomModel();
  assert.throws(
    () => encodeModel({ ...m, params: m.params.subarray(1) }),
    /needs 78042 parameters, found 78041/,
  );
});
