/**
 * The bundle for Node.js and browsers (src/embed/bundle.ts): its declarations type-check a
 * strict TypeScript consumer that has no Deno types, and Node.js, importing only the bundle,
 * classifies a self-contained file to the same bits as the Deno API (8-bit) and the same
 * classes (float).
 *
 * Needs --unstable-bundle and `node` (--allow-run=node); skipped (the Node.js step only, without
 * node), with the reason printed, otherwise.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { bundleLibrary } from "../../src/embed/bundle.ts";
import { makeSelfContained } from "../../src/embed/export.ts";
import { compileEngine } from "../../src/engine/wasm.ts";
import { encodeModel } from "../../src/model/model_file.ts";
import { createClassifier, loadModel, type Mode } from "../../mod.ts";
import { CALIBRATION, CALIBRATION_COUNT, sameBits, tinySetup } from "./_fixture.ts";

function nodeUnavailable(): string | null {
  if (Deno.permissions.querySync({ name: "run", command: "node" }).state !== "granted") {
    return "the test runs without --allow-run=node";
  }
  try {
    new Deno.Command("node", { args: ["--version"] }).outputSync();
  } catch (e) {
    return `node cannot run: ${(e as Error).message}`;
  }
  return null;
}

const noBundle = typeof (Deno as unknown as { bundle?: unknown }).bundle === "function"
  ? null
  : "the test runs without --unstable-bundle";
if (noBundle) console.log(`bundle test skipped: ${noBundle}`);
const noNode = nodeUnavailable();
if (noNode) console.log(`Node.js smoke test skipped: ${noNode}`);

/** Node.js 20 ships relaxed SIMD behind a flag; 22 and later have it on. */
function nodeFlags(): string[] {
  const version = new TextDecoder().decode(
    new Deno.Command("node", { args: ["--version"] }).outputSync().stdout,
  );
  const major = Number(/^v(\d+)/.exec(version.trim())?.[1]);
  return major < 22 ? ["--experimental-wasm-relaxed-simd"] : [];
}

/** What the Node.js script does, with nothing but the bundle and node:fs. */
const NODE_SCRIPT = `
import { readFileSync, writeFileSync } from "node:fs";
import { compileWasm, createClassifier, loadModel } from "./dist/mod.js";

const model = loadModel(readFileSync("tiny.apxnet"), "tiny.apxnet");
const wasm = await compileWasm(readFileSync("dist/approxnas.wasm"));
const images = new Uint8Array(readFileSync("images.bin"));
const out = { deno: typeof Deno };
for (const mode of ["float", "exact8", "approx8"]) {
  const c = await createClassifier({ model, wasm, mode, batch: 4 });
  const r = c.classify(images);
  out[mode] = {
    labels: Array.from(r.labels),
    logits: Buffer.from(r.logits.buffer).toString("base64"),
    energy: c.energyPerInferenceNj,
  };
  c.close();
}
writeFileSync("out.json", JSON.stringify(out));
`;

/** A strict consumer of the declarations: wrong uses must be errors, right ones not. */
const CONSUMER = `
import {
  type Classification,
  type Classifier,
  createClassifier,
  loadModel,
  type Mode,
} from "./dist/mod.js";

const model = loadModel(new Uint8Array(0), "x.apxnet");
const mode: Mode = "approx8";
const c: Classifier = await createClassifier({ model, wasm: new Uint8Array(0), mode, batch: 8 });
const r: Classification = c.classify(new Uint8Array(3072), 1);
const label: number = r.labels[0];
const logits: Float32Array = r.logits;
const energy: number | null = c.energyPerInferenceNj;
const layers: string[] = c.layers.map((l) => l.node + l.path);
// @ts-expect-error: the mode is checked
await createClassifier({ model, wasm: new Uint8Array(0), mode: "int4" });
// @ts-expect-error: classify returns labels, not a string
const wrong: string = c.classify(new Uint8Array(3072)).labels;
export { energy, label, layers, logits, wrong };
`;

Deno.test({
  name: "bundle: declarations type-check a consumer; Node.js classifies like Deno",
  ignore: noBundle !== null,
  // The TypeScript compiler keeps file handles of its library files.
  sanitizeResources: false,
}, async (t) => {
  const dir = await Deno.makeTempDir({ prefix: "approxnas-bundle-" });
  try {
    const files = await bundleLibrary({ outDir: join(dir, "dist") });
    for (const f of ["mod.js", "mod.d.ts", "approxnas.wasm", "package.json"]) {
      assert.ok(files.includes(f), `${f} written (wrote ${files.join(", ")})`);
    }

    await t.step("the declarations type-check a strict consumer without Deno types", async () => {
      // deno-lint-ignore no-import-prefix
      const { default: ts } = await import("npm:typescript@5.9");
      await Deno.writeTextFile(join(dir, "consumer.ts"), CONSUMER);
      await Deno.writeTextFile(join(dir, "package.json"), '{ "type": "module" }');
      const program = ts.createProgram([join(dir, "consumer.ts")], {
        strict: true,
        noEmit: true,
        target: ts.ScriptTarget.ES2022,
        module: ts.ModuleKind.NodeNext,
        moduleResolution: ts.ModuleResolutionKind.NodeNext,
        lib: ["lib.es2022.d.ts", "lib.dom.d.ts"],
        types: [],
      });
      const diagnostics = ts.getPreEmitDiagnostics(program).map((d: { messageText: unknown }) =>
        ts.flattenDiagnosticMessageText(d.messageText as string, "\n")
      );
      assert.deepEqual(diagnostics, [], diagnostics.join("\n"));
    });

    await t.step({
      name: "Node.js, importing only the bundle, gives the Deno API's results",
      ignore: noNode !== null,
      fn: async () => {
        const setup = tinySetup();
        const model = await makeSelfContained(setup.model, {
          calibrationImages: setup.calibrationImages,
          calibrationCount: CALIBRATION_COUNT,
          calibration: CALIBRATION,
          multipliers: setup.multipliers,
          compensate: true,
        });
        const bytes = encodeModel(model);
        await Deno.writeFile(join(dir, "tiny.apxnet"), bytes);
        await Deno.writeFile(join(dir, "images.bin"), setup.images);
        await Deno.writeTextFile(join(dir, "smoke.mjs"), NODE_SCRIPT);
        const run = await new Deno.Command("node", {
          args: [...nodeFlags(), "smoke.mjs"],
          cwd: dir,
          stdout: "piped",
          stderr: "piped",
        }).output();
        const stderr = new TextDecoder().decode(run.stderr);
        assert.equal(run.code, 0, `node failed: ${stderr}`);
        const out = JSON.parse(await Deno.readTextFile(join(dir, "out.json")));
        assert.equal(out.deno, "undefined", "Node.js has no Deno global");
        const wasm = await compileEngine();
        const loaded = loadModel(bytes, "tiny.apxnet");
        for (const mode of ["float", "exact8", "approx8"] as Mode[]) {
          const c = await createClassifier({ model: loaded, wasm, mode, batch: 4 });
          const want = c.classify(setup.images);
          const b64 = Uint8Array.from(atob(out[mode].logits), (ch) => ch.charCodeAt(0));
          const got = new Float32Array(b64.buffer);
          assert.deepEqual(out[mode].labels, Array.from(want.labels), `${mode}: labels`);
          assert.equal(out[mode].energy, c.energyPerInferenceNj, `${mode}: energy`);
          if (mode === "float") {
            // Float32 with relaxed multiply-add: equal on one machine in practice, promised
            // only to rounding.
            got.forEach((x, i) =>
              assert.ok(Math.abs(x - want.logits[i]) <= 1e-4 * (1 + Math.abs(x)), `float ${i}`)
            );
          } else assert.ok(sameBits(got, want.logits), `${mode}: logits differ from Deno's`);
        }
      },
    });
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
