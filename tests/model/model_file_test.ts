import assert from "node:assert/strict";
import {
  decodeModel,
  encodeModel,
  type InferenceSpec,
  MODEL_MAGIC,
  readModelFile,
  type SavedModel,
  saveModel,
} from "../../src/model/model_file.ts";
import { exactTable } from "../../src/model/product_table.ts";
import { crc32 } from "../../src/util/crc32.ts";
import { paramLayout } from "../../src/model/layout.ts";
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
  const back = await readModelFile(path);
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
  assert.throws(
    () => decodeModel(bad, "x"),
    /must start with 'APXNET01' \(an approxnas .apxnet model file\), found 'QPXNET01'/,
  );
  assert.throws(() => decodeModel(new Uint8Array(5), "tiny"), /at least 12 bytes, found 5/);
  const m = randomModel();
  assert.throws(
    () => encodeModel({ ...m, params: m.params.subarray(1) }),
    /needs 78042 parameters, found 78041/,
  );
});

/** A version 1 file as the first format wrote it: header, padding, parameters, statistics. */
function versionOneBytes(model: SavedModel): Uint8Array {
  const layout = paramLayout(model.graph);
  const header = {
    format: "approxnas-model",
    version: 1,
    graph: model.graph,
    paramCount: layout.paramCount,
    stateCount: layout.stateCount,
    meta: model.meta,
  };
  const json = new TextEncoder().encode(JSON.stringify(header));
  const start = (12 + json.length + 3) & ~3;
  const out = new Uint8Array(start + 4 * (layout.paramCount + layout.stateCount));
  out.set(new TextEncoder().encode(MODEL_MAGIC));
  const view = new DataView(out.buffer);
  view.setUint32(8, json.length, true);
  out.set(json, 12);
  [...model.params, ...model.state].forEach((x, i) => view.setFloat32(start + 4 * i, x, true));
  return out;
}

/** A file as version 2 wrote it: version 3's bytes without the trailer, the data's CRC-32 in
 * the header. */
function versionTwoBytes(model: SavedModel): Uint8Array {
  const v3 = encodeModel(model);
  const len = new DataView(v3.buffer).getUint32(8, true);
  const data = v3.subarray((12 + len + 3) & ~3, v3.length - 4);
  const header = JSON.parse(new TextDecoder().decode(v3.subarray(12, 12 + len)));
  const json = new TextEncoder().encode(
    JSON.stringify({ ...header, version: 2, dataCrc32: crc32(data) }),
  );
  const start = (12 + json.length + 3) & ~3;
  const out = new Uint8Array(start + data.length);
  out.set(v3.subarray(0, 8));
  new DataView(out.buffer).setUint32(8, json.length, true);
  out.set(json, 12);
  out.set(data, start);
  return out;
}

function oddTable(seed: number): Uint16Array {
  const rng = new Rng(seed);
  return Uint16Array.from(exactTable(), (v) => Math.max(0, v - rng.int(50)));
}

const SPEC: InferenceSpec = {
  multipliers: { defaultName: "odd", byNode: { conv1: "mul8u_exact" } },
  compensate: true,
  weights: "channel",
  calibration: { method: "percentile", percentile: 99.999, images: 1000, source: "test" },
  ranges: { relu3: [0, 3.25], add9: [-1.0000000000000002, 0.30000000000000004] },
  corrections: { odd: { conv1: [1, -2, 3] } },
};

Deno.test("version 1 files are still read", () => {
  const model = randomModel();
  const notes: string[] = [];
  const back = decodeModel(versionOneBytes(model), "v1.apxnet", (n) => notes.push(n));
  assert.deepEqual(back, model);
  assert.deepEqual(notes, [
    "note: model 'v1.apxnet' is format version 1: no checksum covers its header (graph, meta, " +
    "quantisation); files written now (version 3) are covered whole",
  ]);
});

Deno.test("version 2 carries product tables (the exact one implicit) and the quantisation", () => {
  const model = {
    ...randomModel(),
    tables: [
      { name: "mul8u_exact", energyPj: 0.5, table: exactTable() },
      { name: "odd", energyPj: 0.25, table: oddTable(3) },
    ],
    inference: SPEC,
  };
  const bytes = encodeModel(model);
  // The exact table costs a header entry only: it is rebuilt on load.
  const bare = encodeModel({ ...model, tables: [] }).length;
  const exactOnly = encodeModel({ ...model, tables: [model.tables[0]] }).length;
  assert.ok(exactOnly - bare < 100, `${exactOnly - bare} bytes for the exact table`);
  assert.ok(bytes.length - exactOnly >= 131072, "the other table is stored");
  const back = decodeModel(bytes, "v3.apxnet", () => assert.fail("a version 3 file has no note"));
  assert.deepEqual(back, model);
  assert.deepEqual(decodeModel(versionTwoBytes(model), "v2.apxnet", () => {}), model);
  assert.equal(back.inference!.ranges.add9[1], 0.30000000000000004, "ranges keep every bit");
});

Deno.test("version 2 damage is named: data CRC, version, table entries, inference section", () => {
  const model = { ...randomModel(), tables: [{ name: "odd", energyPj: 1, table: oddTable(4) }] };
  const bytes = versionTwoBytes(model);
  const flipped = bytes.slice();
  flipped[bytes.length - 7] ^= 0x10;
  assert.throws(
    () => decodeModel(flipped, "f.apxnet"),
    /'f.apxnet': its data is corrupt: CRC-32 0x[0-9a-f]{8}, the header recorded 0x[0-9a-f]{8}/,
  );
  assert.throws(
    () => decodeModel(bytes.subarray(0, bytes.length - 2), "c.apxnet"),
    /it must be \d+ bytes for its graph and 1 product table\(s\), found \d+/,
  );
  const rewrite = (edit: (h: Record<string, unknown>) => void) => {
    const len = new DataView(bytes.buffer).getUint32(8, true);
    const header = JSON.parse(new TextDecoder().decode(bytes.subarray(12, 12 + len)));
    edit(header);
    const json = new TextEncoder().encode(JSON.stringify(header));
    const data = bytes.subarray((12 + len + 3) & ~3);
    const start = (12 + json.length + 3) & ~3;
    const out = new Uint8Array(start + data.length);
    out.set(bytes.subarray(0, 8));
    new DataView(out.buffer).setUint32(8, json.length, true);
    out.set(json, 12);
    out.set(data, start);
    return out;
  };
  assert.doesNotThrow(() => decodeModel(rewrite(() => {}), "same", () => {}));
  assert.throws(
    () => decodeModel(rewrite((h) => h.version = 4), "new.apxnet"),
    /'new.apxnet': expected format approxnas-model version 1, 2 or 3, found approxnas-model version 4/,
  );
  assert.throws(
    () => decodeModel(rewrite((h) => (h.tables as { energyPj: number }[])[0].energyPj = -1), "e"),
    /multiplier 'odd' needs an energy >= 0 pJ per multiplication, found -1/,
  );
  assert.throws(
    () =>
      decodeModel(
        rewrite((h) => h.inference = { ...SPEC, ranges: { relu3: [2, 1] } }),
        "r.apxnet",
      ),
    /'r.apxnet': its inference section has an invalid range for 'relu3': expected \[lo, hi\], found \[2,1\]/,
  );
  assert.throws(
    () => encodeModel({ ...model, tables: [model.tables[0], model.tables[0]] }),
    /multiplier 'odd' is given twice/,
  );
});

Deno.test("version 3's checksum covers the header: a changed range or name is refused", () => {
  const model = { ...randomModel(), tables: [{ name: "odd", energyPj: 1, table: oddTable(5) }] };
  const bytes = encodeModel(model);
  const len = new DataView(bytes.buffer).getUint32(8, true);
  const text = new TextDecoder().decode(bytes.subarray(12, 12 + len));
  assert.match(text, /"version":3/);
  assert.doesNotMatch(text, /dataCrc32/);
  /** The same bytes with one header substring replaced by another of the same length. */
  const edited = (from: string, to: string) => {
    assert.equal(from.length, to.length);
    assert.ok(text.includes(from), from);
    const out = bytes.slice();
    out.set(new TextEncoder().encode(text.replace(from, to)), 12);
    return out;
  };
  const corrupt =
    /'m.apxnet': its data is corrupt: CRC-32 0x[0-9a-f]{8} of its header and data, its last 4 bytes record 0x[0-9a-f]{8}/;
  assert.throws(() => decodeModel(edited('"note":"test"', '"note":"tost"'), "m.apxnet"), corrupt);
  assert.throws(() => decodeModel(edited('"name":"odd"', '"name":"odo"'), "m.apxnet"), corrupt);
  const flipped = bytes.slice();
  flipped[bytes.length - 9] ^= 0x01;
  assert.throws(() => decodeModel(flipped, "m.apxnet"), corrupt);
  assert.throws(
    () => decodeModel(bytes.subarray(0, bytes.length - 1), "m.apxnet"),
    /it must be \d+ bytes for its graph and 1 product table\(s\), found \d+/,
  );
});

Deno.test("the shipped example is version 3: its relu3 range changed from 6.11 to 1.11 is refused", async () => {
  const path = new URL("../../data/examples/resnet8-bam_h1v4.apxnet", import.meta.url);
  const bytes = await Deno.readFile(path);
  const model = decodeModel(bytes, "example", () => assert.fail("the example has no note"));
  const [lo, hi] = model.inference!.ranges.relu3;
  const len = new DataView(bytes.buffer).getUint32(8, true);
  const text = new TextDecoder().decode(bytes.subarray(12, 12 + len));
  const from = `"relu3":[${lo},${hi}]`;
  assert.ok(text.includes(from) && String(hi).startsWith("6.11"), from);
  const changed = bytes.slice();
  changed.set(
    new TextEncoder().encode(text.replace(from, from.replace('"relu3":[0,6', '"relu3":[0,1'))),
    12,
  );
  assert.throws(
    () => decodeModel(changed, "example"),
    /'example': its data is corrupt: CRC-32 0x[0-9a-f]{8} of its header and data/,
  );
});
