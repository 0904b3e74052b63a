import assert from "node:assert/strict";
import { runMultipliersCli } from "../../cli/multipliers.ts";
import { UsageError } from "../../src/cli/args.ts";
import { CATALOGUE } from "../../src/multipliers/catalogue.ts";
import { readTableFile } from "../../src/multipliers/table_file.ts";
import { multiplierTable } from "../../src/multipliers/library.ts";

async function run(args: string[]): Promise<string[]> {
  const lines: string[] = [];
  await runMultipliersCli(args, (l) => lines.push(...l.split("\n")));
  return lines;
}

Deno.test("cli list: every circuit with power, area, energy and error columns; sortable", async () => {
  const lines = await run(["list"]);
  assert.match(
    lines[0],
    /^name\s+power mW\s+rel\.power\s+area um2\s+energy pJ\s+MAE%\s+WCE%\s+EP%\s+MRE%$/,
  );
  assert.equal(lines.length, 2 + CATALOGUE.length + 1);
  assert.match(
    lines[2],
    /^mul8u_exact\s+0\.3910\s+1\.000\s+709\.6\s+0\.5591\s+0\.0000\s+0\.000\s+0\.00\s+0\.000$/,
  );
  assert.match(lines.at(-1)!, /model estimates/);

  const byPower = (await run(["list", "--sort", "power"])).slice(2, -1).map((l) =>
    Number(l.split(/\s+/)[1])
  );
  assert.deepEqual(byPower, [...byPower].sort((a, b) => a - b));
  const byWceDesc = (await run(["list", "--sort", "wce", "--desc"])).slice(2, -1).map((l) =>
    Number(l.split(/\s+/)[6])
  );
  assert.deepEqual(byWceDesc, [...byWceDesc].sort((a, b) => b - a));
  const trunc = (await run(["list", "--family", "truncated"])).slice(2, -1);
  assert.ok(trunc.length >= 6 && trunc.every((l) => /^mul8(x\d)?[us]_trunc/.test(l)));
  const json = JSON.parse((await run(["list", "--json"])).join("\n"));
  assert.equal(json.length, CATALOGUE.length);

  await assert.rejects(() => run(["list", "--sort", "speed"]), UsageError);
  await assert.rejects(() => run(["frobnicate"]), /unknown command 'frobnicate'/);
  await assert.rejects(() => run(["show", "mul8u_trunc7"]), /close names: .*mul8u_trunc6/);
});

Deno.test("cli export and import: Verilog and table files round-trip into a user library", async () => {
  const dir = await Deno.makeTempDir();
  const library = `${dir}/lib`;
  assert.deepEqual(await run(["export", "mul8u_orl6", "--out", `${dir}/orl6.v`]), [
    `wrote ${dir}/orl6.v`,
  ]);
  await run(["export", "mul8u_orl6", "--out", `${dir}/orl6.bin`]);
  assert.deepEqual(await readTableFile(`${dir}/orl6.bin`), await multiplierTable("mul8u_orl6"));
  const text = await Deno.readTextFile(`${dir}/orl6.v`);
  assert.match(text, /^\/\/ mul8u_orl6: .*\n\/\/ 8x8 unsigned multiplier exported by approxnas/);

  const imported = await run([
    "import",
    `${dir}/orl6.v`,
    "--name",
    "orl6_copy",
    "--library",
    library,
  ]);
  assert.match(
    imported[0],
    /^imported orl6_copy into .*lib: imported from orl6\.v \(module mul8u_orl6\)$/,
  );
  await assert.rejects(
    () =>
      run(["import", `${dir}/orl6.bin`, "--name", "t", "--library", library, "--power-mw", "x"]),
    /--power-mw expects a number >= 0, found 'x'/,
  );
  await run([
    "import",
    `${dir}/orl6.bin`,
    "--name",
    "orl6_table",
    "--library",
    library,
    "--power-mw",
    "0.3",
    "--area-um2",
    "600",
  ]);
  const listed = await run(["list", "--library", library, "--family", "imported"]);
  const orig = (await run(["list", "--family", "or-lower"])).find((l) =>
    l.startsWith("mul8u_orl6 ")
  )!;
  const copy = listed.find((l) => l.startsWith("orl6_copy "))!;
  const figures = (line: string) => line.split(/\s+/).slice(1);
  assert.deepEqual(figures(copy), figures(orig), "same figures");
  assert.match(
    listed.find((l) => l.startsWith("orl6_table "))!,
    /^orl6_table\s+0\.3000\s+0\.767\s+600\.0\s+0\.4290/,
  );
  await assert.rejects(
    () => run(["import", `${dir}/orl6.v`, "--library", library]),
    /--name is required/,
  );
  await assert.rejects(
    () => run(["export", "mul8u_orl6", "--out", `${dir}/x.txt`]),
    /--out expects a \.v or \.bin file name/,
  );
  await assert.rejects(
    () => run(["export", "orl6_table", "--out", `${dir}/t.v`, "--library", library]),
    /imported as a table and has no netlist/,
  );
});
