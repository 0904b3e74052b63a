import assert from "node:assert/strict";
import { EXACT_45NM } from "../../src/multipliers/cost.ts";
import { truncated } from "../../src/multipliers/generators/families.ts";
import { errorMetrics } from "../../src/multipliers/metrics.ts";
import {
  closeNames,
  DEFAULT_DATA_DIR,
  getMultiplier,
  importMultiplier,
  listMultipliers,
  MultiplierLibrary,
  multiplierNetlist,
  multiplierTable,
} from "../../src/multipliers/library.ts";
import { NETLIST_DIR, renderLibraryFiles } from "../../src/multipliers/library_files.ts";
import { simulateTable } from "../../src/multipliers/simulate.ts";
import { readTableFile, tableFromBytes, writeTableFile } from "../../src/multipliers/table_file.ts";
import { netlistToVerilog } from "../../src/multipliers/verilog/export.ts";
import { assertSameTable, keptProducts } from "./_netlists.ts";

const verilogDir = new URL("./verilog/", import.meta.url);

async function filesIn(dir: string): Promise<string[]> {
  const names: string[] = [];
  try {
    for await (const e of Deno.readDir(dir)) names.push(e.name);
  } catch (e) {
    if (!(e instanceof Deno.errors.NotFound)) throw e;
  }
  return names.sort();
}

Deno.test("library: the committed data/multipliers equals a fresh regeneration", async () => {
  const files = await renderLibraryFiles();
  for (const [rel, text] of files) {
    const onDisk = await Deno.readTextFile(`${DEFAULT_DATA_DIR}/${rel}`).catch(() => "(missing)");
    assert.ok(
      onDisk === text,
      `${rel} is out of date: run deno run --allow-read --allow-write=data/multipliers scripts/generate_multipliers.ts`,
    );
  }
  const netlists = await filesIn(`${DEFAULT_DATA_DIR}/${NETLIST_DIR}`);
  assert.deepEqual(
    netlists,
    [...files.keys()].filter((k) => k.startsWith(NETLIST_DIR)).map((k) =>
      k.slice(NETLIST_DIR.length + 1)
    ).sort(),
  );
});

Deno.test("library: list, get and tables of the project's circuits", async () => {
  const importedDir = await Deno.makeTempDir();
  const options = { importedDir };
  const all = await listMultipliers(options);
  assert.ok(all.length >= 30);
  assert.equal(all[0].name, "mul8u_exact");
  const exact = await getMultiplier("mul8u_exact", options);
  assert.equal(exact.powerMw, EXACT_45NM.powerMw);
  assert.equal(exact.areaUm2, EXACT_45NM.areaUm2);
  assert.equal(exact.relativePower, 1);
  assert.equal(exact.energyPj, 0.55913);
  assert.equal(exact.source, "library");
  assertSameTable(await multiplierTable("mul8u_exact", options), (a, b) => a * b, "mul8u_exact");

  const t6 = await multiplierTable("mul8u_trunc6", options);
  assertSameTable(t6, keptProducts((i, j) => i + j >= 6), "mul8u_trunc6");
  const info = await getMultiplier("mul8u_trunc6", options);
  const m = errorMetrics(t6);
  assert.equal(info.metrics.wce, m.wce);
  assert.ok(Math.abs(info.metrics.mae - m.mae) < 1e-6 * m.mae);
  assert.ok(info.powerMw < exact.powerMw && info.relativePower < 1);
  assert.equal(info.note.length > 0 && info.family, "truncated");

  // Callers get copies: changing one does not change the library.
  t6[0] = 12345;
  assert.equal((await multiplierTable("mul8u_trunc6", options))[0], 0);
  info.metrics.mae = -1;
  assert.notEqual((await getMultiplier("mul8u_trunc6", options)).metrics.mae, -1);
  assert.deepEqual(await multiplierNetlist("mul8u_trunc6", options), truncated(6));
  for (const x of all) assert.ok(x.powerMw >= 0 && x.areaUm2 >= 0 && x.energyPj >= 0, x.name);
});

Deno.test("library: unknown names list close names", async () => {
  await assert.rejects(
    () => getMultiplier("mul8u_trunk6"),
    /unknown multiplier 'mul8u_trunk6'; close names: .*mul8u_trunc6/,
  );
  await assert.rejects(
    () => multiplierTable("mitchel"),
    /unknown multiplier 'mitchel'; close names: .*mul8u_mitchell/,
  );
  await assert.rejects(
    () => getMultiplier("zzzzzzzzzzzzzzzzzzzzzzzzz"),
    /unknown multiplier 'zzzzzzzzzzzzzzzzzzzzzzzzz'; \d+ circuits are known/,
  );
  assert.deepEqual(closeNames("abc", ["abd", "xyz", "abcdef"]), ["abcdef", "abd"]);
});

Deno.test("library: a netlist that no longer matches its recorded table is refused", async () => {
  const dataDir = await Deno.makeTempDir();
  await Deno.mkdir(`${dataDir}/${NETLIST_DIR}`);
  await Deno.copyFile(`${DEFAULT_DATA_DIR}/library.json`, `${dataDir}/library.json`);
  for (const name of await filesIn(`${DEFAULT_DATA_DIR}/${NETLIST_DIR}`)) {
    await Deno.copyFile(
      `${DEFAULT_DATA_DIR}/${NETLIST_DIR}/${name}`,
      `${dataDir}/${NETLIST_DIR}/${name}`,
    );
  }
  // Swap two output wires of mul8u_trunc8.
  const path = `${dataDir}/${NETLIST_DIR}/mul8u_trunc8.json`;
  const text = await Deno.readTextFile(path);
  const outputs = JSON.parse(text).outputs as number[];
  const swapped = [...outputs];
  [swapped[14], swapped[15]] = [outputs[15], outputs[14]];
  await Deno.writeTextFile(
    path,
    text.replace(
      JSON.stringify(outputs).replaceAll(",", ", "),
      JSON.stringify(swapped).replaceAll(",", ", "),
    ),
  );
  const lib = new MultiplierLibrary({ dataDir, importedDir: `${dataDir}/imported` });
  await assert.rejects(
    () => lib.table("mul8u_trunc8"),
    /mul8u_trunc8\.json: its table does not match the recorded SHA-256/,
  );
  assertSameTable(
    await lib.table("mul8u_trunc6"),
    keptProducts((i, j) => i + j >= 6),
    "other circuits still load",
  );
});

Deno.test("import: Verilog and tables join the library, characterised like its own", async () => {
  const importedDir = await Deno.makeTempDir();
  const options = { importedDir };
  const before = (await listMultipliers(options)).length;

  const info = await importMultiplier(new URL("top2x2_flat.v", verilogDir).pathname, {
    ...options,
    name: "top2x2",
  });
  assert.equal(info.source, "imported");
  assert.equal(info.family, "imported");
  assert.equal(info.kind, "netlist");
  assert.equal(info.costSource, "model");
  assert.match(info.note, /imported from top2x2_flat\.v \(module mul8u_top2x2\)/);
  const table = await multiplierTable("top2x2", options);
  assertSameTable(table, (a, b) => ((a >> 6) * (b >> 6)) << 12, "top2x2");
  assert.equal(info.metrics.wce, errorMetrics(table).wce);
  // It costs what the same function costs as a library circuit (2x2 operand truncation).
  const ot = await getMultiplier("mul8u_ot_a6b6", options);
  assert.ok(
    Math.abs(info.relativeArea - ot.relativeArea) < 0.02,
    `${info.relativeArea} vs ${ot.relativeArea}`,
  );

  // An exported library circuit imports back to the same figures.
  const exportPath = `${importedDir}/../trunc8_export_${Date.now()}.v`;
  await Deno.writeTextFile(
    exportPath,
    netlistToVerilog("mul8u_trunc8", await multiplierNetlist("mul8u_trunc8")),
  );
  const back = await importMultiplier(exportPath, { ...options, name: "trunc8_again" });
  const orig = await getMultiplier("mul8u_trunc8");
  assert.equal(back.tableSha256, orig.tableSha256);
  assert.equal(back.powerMw, orig.powerMw);
  assert.equal(back.areaUm2, orig.areaUm2);
  await Deno.remove(exportPath);

  // A table with its published figures.
  const binPath = `${importedDir}/../table_${Date.now()}.bin`;
  const t = new Uint16Array(65536);
  for (let a = 0; a < 256; a++) for (let b = 0; b < 256; b++) t[a * 256 + b] = (a * b) & 0xfff0;
  await writeTableFile(binPath, t);
  const tab = await importMultiplier(binPath, {
    ...options,
    name: "masked",
    powerMw: 0.2,
    areaUm2: 300,
  });
  assert.equal(tab.kind, "table");
  assert.equal(tab.costSource, "given");
  assert.equal(tab.powerMw, 0.2);
  assert.ok(Math.abs(tab.relativePower - 0.2 / 0.391) < 1e-6);
  assert.ok(Math.abs(tab.energyPj - 0.2 * 1.43) < 1e-9);
  assertSameTable(await multiplierTable("masked", options), t, "masked");
  await Deno.remove(binPath);

  const names = (await listMultipliers(options)).map((x) => x.name);
  assert.equal(names.length, before + 3);
  assert.deepEqual(names.slice(-3), ["masked", "top2x2", "trunc8_again"]);
  assert.deepEqual(await filesIn(importedDir), ["masked.json", "top2x2.json", "trunc8_again.json"]);
  // A fresh library object reads the same from disk.
  const fresh = new MultiplierLibrary({ importedDir });
  assert.deepEqual(await fresh.get("top2x2"), info);
  assertSameTable(await fresh.table("masked"), t, "masked from disk");
});

Deno.test("import: bad files and names add nothing", async () => {
  const importedDir = await Deno.makeTempDir();
  const options = { importedDir };
  const scratch = await Deno.makeTempDir();
  const bad = `${scratch}/bad.v`;
  await Deno.writeTextFile(
    bad,
    "module m(input [7:0] A, B, output [15:0] O);\n  assign O = {A, B}\nendmodule\n",
  );
  const short = `${scratch}/short.bin`;
  await Deno.writeFile(short, new Uint8Array(1000));
  const good = new URL("shift_add_hier.v", verilogDir).pathname;
  await writeTableFile(`${scratch}/ok.bin`, new Uint16Array(65536));

  const cases: [string, () => Promise<unknown>, RegExp][] = [
    [
      "syntax",
      () => importMultiplier(bad, { ...options, name: "m" }),
      /bad\.v:3: expected ',' or ';', found 'endmodule'/,
    ],
    [
      "table size",
      () => importMultiplier(short, { ...options, name: "s", powerMw: 1, areaUm2: 1 }),
      /short\.bin: expected exactly 131,072 bytes .* found 1,000 bytes/,
    ],
    [
      "table without figures",
      () => importMultiplier(`${scratch}/ok.bin`, { ...options, name: "t" }),
      /ok\.bin: a table has no netlist to estimate power and area from/,
    ],
    [
      "figures for Verilog",
      () => importMultiplier(good, { ...options, name: "v", powerMw: 1, areaUm2: 1 }),
      /come from the model/,
    ],
    [
      "extension",
      () => importMultiplier(`${scratch}/x.txt`, { ...options, name: "x" }),
      /x\.txt: expected a structural Verilog file \(\.v\) or a raw table \(\.bin\)/,
    ],
    [
      "missing file",
      () => importMultiplier(`${scratch}/none.v`, { ...options, name: "n" }),
      /none\.v: cannot read/,
    ],
    [
      "name",
      () => importMultiplier(good, { ...options, name: "2fast" }),
      /expected a name of letters, digits and '_' not starting with a digit, found '2fast'/,
    ],
    [
      "library name",
      () => importMultiplier(good, { ...options, name: "mul8u_exact" }),
      /cannot import as 'mul8u_exact': that name is a library circuit/,
    ],
  ];
  for (const [label, run, message] of cases) {
    await assert.rejects(run, message, label);
    assert.deepEqual(await filesIn(importedDir), [], `${label}: nothing added`);
  }
  await importMultiplier(good, { ...options, name: "exact_again" });
  await assert.rejects(
    () => importMultiplier(good, { ...options, name: "exact_again" }),
    /that name is already imported/,
  );
  // Even past the library's check (another process), the file is never replaced.
  await assert.rejects(
    () =>
      new MultiplierLibrary({ importedDir: `${importedDir}/` }).import(good, {
        name: "exact_again",
      }),
    /already (imported|exists)/,
  );
  assert.deepEqual(await filesIn(importedDir), ["exact_again.json"]);

  // A damaged imported file is reported by name.
  await Deno.writeTextFile(`${importedDir}/broken.json`, '{"format": 1}');
  await assert.rejects(
    () => new MultiplierLibrary({ importedDir }).list(),
    /broken\.json: expected format "approxnas-imported-multiplier\/1", found 1/,
  );
});

Deno.test("table files: little-endian uint16 at a * 256 + b, exact size", async () => {
  const dir = await Deno.makeTempDir();
  const t = simulateTable(truncated(4));
  await writeTableFile(`${dir}/t.bin`, t);
  const bytes = await Deno.readFile(`${dir}/t.bin`);
  assert.equal(bytes.length, 131072);
  const i = 200 * 256 + 77;
  assert.equal(bytes[2 * i] | (bytes[2 * i + 1] << 8), t[i]);
  assert.deepEqual(await readTableFile(`${dir}/t.bin`), t);
  assert.throws(
    () => tableFromBytes(new Uint8Array(131073), "big.bin"),
    /big\.bin: expected exactly 131,072 bytes .* found 131,073 bytes/,
  );
});
