import assert from "node:assert/strict";
import { runMultipliersCli } from "../../cli/multipliers.ts";
import { chartsAvailable, renderScatterPng } from "../../src/charts/render.ts";
import { libraryCharts } from "../../src/multipliers/charts.ts";
import { listMultipliers } from "../../src/multipliers/library.ts";
import { pngSize } from "../charts/_png.ts";

const available = await chartsAvailable();
if (available !== true) {
  console.log(
    `skipping chart rendering tests: ${available} (see docs/multipliers.md: Deno needs --allow-ffi for @napi-rs/canvas)`,
  );
}

Deno.test("library charts: one series per family, error-free circuits at the left edge", async () => {
  const infos = await listMultipliers();
  const charts = libraryCharts(infos);
  assert.deepEqual(charts.map((c) => c.file), ["power_vs_mae.png", "power_vs_wce.png"]);
  for (const { spec } of charts) {
    const points = spec.series.flatMap((s) => s.points);
    assert.equal(points.length, infos.length);
    assert.ok(points.every((p) => p.x > 0), "every x fits a log axis");
    const exact = spec.series.at(-1)!;
    assert.match(exact.label, /^no error/);
    const exactOnes = infos.filter((m) => m.family === "exact").map((m) => m.name);
    assert.deepEqual(exact.points.map((p) => p.label), exactOnes);
    assert.ok(exactOnes.includes("mul8u_exact"));
  }
});

Deno.test({
  name: "renderScatterPng: a PNG of the requested size",
  ignore: available !== true,
  fn: async () => {
    const png = await renderScatterPng({
      title: "test",
      xLabel: "x",
      yLabel: "y",
      width: 320,
      height: 200,
      series: [{ label: "a", points: [{ x: 1, y: 2 }, { x: 10, y: 1 }], line: true }],
      xLog: true,
    });
    assert.deepEqual(pngSize(png), { width: 320, height: 200 });
    assert.ok(png.length > 1000);
  },
});

Deno.test({
  name: "cli chart: power vs MAE% and WCE% PNGs",
  ignore: available !== true,
  fn: async () => {
    const dir = await Deno.makeTempDir();
    const lines: string[] = [];
    await runMultipliersCli(["chart", "--out", dir], (l) => lines.push(l));
    assert.deepEqual(lines, [`wrote ${dir}/power_vs_mae.png`, `wrote ${dir}/power_vs_wce.png`]);
    for (const f of ["power_vs_mae.png", "power_vs_wce.png"]) {
      assert.deepEqual(pngSize(await Deno.readFile(`${dir}/${f}`)), { width: 900, height: 600 }, f);
    }
  },
});
