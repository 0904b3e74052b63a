/**
 * The dashboard in a real browser (headless Chromium): a run of 1,000 evaluations renders
 * fast, the charts show the front, a click shows a network's figures, the log lists every
 * evaluation, and lines appended to the run's log appear without a reload.
 *
 * Needs /usr/bin/chromium (bash scripts/install_chromium.sh) and
 * --allow-run=/usr/bin/chromium --allow-net=127.0.0.1 besides read/write/env; skipped
 * (with the reason printed) otherwise.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { browserUnavailable, launchChromium, type Page, waitForCount } from "./_browser.ts";
import { makeFixtureRun } from "../dashboard/_fixture.ts";
import { startDashboard } from "../../src/dashboard/server.ts";
import {
  fmtAcc,
  fmtDuration,
  fmtEnergy,
  fmtInt,
  validationError,
} from "../../src/dashboard/static/figures.js";
import type { EvaluationRecord } from "../../src/search/run/record.ts";

const unavailable = browserUnavailable();
if (unavailable) console.log(`dashboard end-to-end tests skipped: ${unavailable}`);

/** Generous: the target is 1 s, but the machine is shared. */
const RENDER_LIMIT_MS = 5000;

/**
 * A series of a chart on the page, read from its Chart.js instance: each point's network
 * id (null for points that stand for none) and where it is drawn, in page coordinates.
 */
interface DrawnPoint {
  id: string | null;
  x: number;
  y: number;
}

async function series(page: Page, box: string, key: string): Promise<DrawnPoint[]> {
  return await page.evaluate(([box, key]) => {
    // deno-lint-ignore no-explicit-any
    const { Chart, document } = globalThis as any;
    const canvas = document.querySelector(`${box} canvas`);
    const chart = Chart.getChart(canvas);
    const i = chart.data.datasets.findIndex((d: { key: string }) => d.key === key);
    if (i < 0) return [];
    // Chart.js places points in its own units; the canvas may be shown at another size.
    const rect = canvas.getBoundingClientRect();
    const sx = rect.width / chart.width, sy = rect.height / chart.height;
    const meta = chart.getDatasetMeta(i);
    return chart.data.datasets[i].data.map((p: { id?: string }, j: number) => ({
      id: p.id ?? null,
      x: rect.left + sx * meta.data[j].x,
      y: rect.top + sy * meta.data[j].y,
    }));
  }, [box, key]);
}

/** A series' size as something waitForCount can poll. */
const seriesCount = (page: Page, box: string, key: string) => ({
  count: async () => (await series(page, box, key)).length,
});

/** Where a network's point of a series is drawn, scrolled into view. */
async function pointOf(page: Page, box: string, key: string, id: string) {
  await page.locator(`${box} canvas`).scrollIntoViewIfNeeded();
  const p = (await series(page, box, key)).find((q) => q.id === id);
  assert.ok(p, `${box}: ${id} is drawn in '${key}'`);
  return p;
}

Deno.test({
  name: "dashboard in Chromium: 1,000 evaluations, front, details on click, live log",
  ignore: unavailable !== null,
  // playwright-core keeps a pipe to the browser open between steps.
  sanitizeResources: false,
  sanitizeOps: false,
}, async (t) => {
  const run = await makeFixtureRun({ evaluations: 1000, holdBack: 20, finals: 3 });
  const server = await startDashboard({ run: run.dir, port: 0, pollMs: 200 });
  const browser = await launchChromium();
  try {
    const page = await browser.newPage({ viewport: { width: 1500, height: 1000 } });
    const pageErrors: string[] = [];
    page.on("pageerror", (e) => pageErrors.push(e.message));

    await t.step("renders 1,000 evaluations quickly", async () => {
      /** Navigates (or reloads) and returns the page's and the test's timings. */
      const load = async (go: () => Promise<unknown>) => {
        const start = performance.now();
        await go();
        await page.waitForSelector("html[data-ready=true]", { timeout: 15_000 });
        const wallMs = performance.now() - start;
        const timing = await page.evaluate(() =>
          (globalThis as unknown as { dashboardTiming: { renderedMs: number; records: number } })
            .dashboardTiming
        );
        assert.equal(timing.records, 1000);
        assert.ok(timing.renderedMs < RENDER_LIMIT_MS, `rendered in ${timing.renderedMs} ms`);
        return `${timing.renderedMs.toFixed(0)} ms after navigation start (page's clock), ` +
          `${wallMs.toFixed(0)} ms from the request to ready (test's clock)`;
      };
      const cold = await load(() => page.goto(server.url));
      const warm = await load(() => page.reload());
      console.log(`dashboard render of 1,000 evaluations: first load ${cold}; reload ${warm}`);
      assert.equal(await page.title(), `approxnas · ${run.dir.split("/").at(-1)}`);
    });

    await t.step(
      "both charts show the front, the candidates and the retrained networks",
      async () => {
        const measured = run.records.filter((r) => validationError(r) !== null).length;
        for (const chart of ["#chart-energy", "#chart-params"]) {
          const front = await series(page, chart, "front");
          assert.equal(front.length, run.front.length, `${chart}: front points`);
          const ids = front.map((p) => p.id);
          assert.deepEqual(ids.sort(), run.front.map((r) => r.id).sort(), chart);
          assert.equal(
            (await series(page, chart, "candidates")).length + run.front.length,
            measured,
            `${chart}: every measured candidate is drawn`,
          );
          assert.equal((await series(page, chart, "retrained")).length, run.finals.length);
          assert.ok(await page.locator(`${chart} canvas`).isVisible());
        }
        assert.equal(
          (await series(page, "#chart-hv", "parents")).length,
          run.checkpoint!.hypervolume.length,
        );
        assert.equal(
          (await series(page, "#chart-hv", "archive")).length,
          run.checkpoint!.archiveHypervolume!.length,
        );
        assert.match(
          (await page.locator("#caption-energy").textContent()) ?? "",
          /validation error of the approximate 8-bit network .* on 1,000 validation images/,
        );
      },
    );

    await t.step("hovering a point shows a tooltip, clicking it shows its figures", async () => {
      const finals = new Set(run.finals.map((f) => f.id));
      const r: EvaluationRecord = run.front.find((x) => !finals.has(x.id) && !x.reusedFrom) ??
        run.front[0];
      const point = await pointOf(page, "#chart-energy", "front", r.id);
      await page.mouse.move(point.x, point.y);
      const tip = page.locator("#tooltip");
      await tip.waitFor({ state: "visible" });
      assert.match((await tip.textContent()) ?? "", new RegExp(r.id));
      await page.mouse.click(point.x, point.y);
      const details = page.locator("#details");
      const text = (field: string) => details.locator(`[data-field="${field}"]`).textContent();
      assert.match((await text("id")) ?? "", new RegExp(`${r.id} \\(generation ${r.generation}`));
      assert.equal(await text("params"), fmtInt(r.params));
      assert.match((await text("mults")) ?? "", new RegExp(fmtInt(r.mults)));
      assert.match((await text("energy")) ?? "", new RegExp(fmtEnergy(r.energyNj)));
      const validation = (await text("validation")) ?? "";
      for (const acc of [r.validation!.float, r.validation!.exact8, r.validation!.approx8]) {
        assert.ok(validation.includes(fmtAcc(acc)), `${validation} shows ${fmtAcc(acc)}`);
      }
      assert.match(validation, /on 1,000 validation images/);
      assert.match((await text("multipliers")) ?? "", new RegExp(Object.values(r.multipliers)[0]));
      const seconds = (r.reusedFrom ? run.records.find((x) => x.id === r.reusedFrom)! : r).seconds!;
      assert.match(
        (await text("time")) ?? "",
        new RegExp(`${fmtDuration(seconds.train)} training \\+`),
      );
      const ringed = (await series(page, "#chart-energy", "selected")).map((p) => p.id);
      assert.deepEqual(ringed, [r.id], "the selected network is ringed");

      const f = run.finals[0];
      const final = await pointOf(page, "#chart-params", "retrained", f.id);
      await page.mouse.click(final.x, final.y);
      assert.ok(((await text("test")) ?? "").includes(fmtAcc(f.test.approx8)), "test accuracy");
      assert.match((await text("test")) ?? "", /on 10,000 CIFAR-10 test images/);
    });

    await t.step(
      "the log lists every evaluation, newest first, failures with their error",
      async () => {
        const rows = page.locator("#log tbody tr");
        assert.equal(await rows.count(), 1000);
        assert.equal(await rows.first().getAttribute("data-id"), run.records.at(-1)!.id);
        const failed = run.records.find((r) => r.error)!;
        const row = page.locator(`#log tbody tr[data-id="${failed.id}"]`);
        assert.match(
          (await row.textContent()) ?? "",
          new RegExp(`failed: ${failed.error!.slice(0, 12)}`),
        );
        await row.click();
        assert.match(
          (await page.locator('#details [data-field="status"]').textContent()) ?? "",
          /failed/,
        );
      },
    );

    await t.step("new lines and a new checkpoint appear without a reload", async () => {
      await page.evaluate(() => Object.assign(globalThis, { notReloaded: true }));
      const log = join(run.dir, "evaluations.jsonl");
      // Half the held-back lines and the start of the next, then the rest.
      const half = run.pending.length / 2;
      const cut = run.pending[half].slice(0, 25);
      await Deno.writeTextFile(log, run.pending.slice(0, half).join("") + cut, { append: true });
      const rows = page.locator("#log tbody tr");
      await waitForCount(rows, 1000 + half);
      await Deno.writeTextFile(
        log,
        run.pending[half].slice(25) + run.pending.slice(half + 1).join(""),
        {
          append: true,
        },
      );
      const total = 1000 + run.pending.length;
      await waitForCount(rows, total);
      const newest = JSON.parse(run.pending.at(-1)!) as EvaluationRecord;
      assert.equal(await rows.first().getAttribute("data-id"), newest.id);
      assert.match(
        (await page.locator("#log-count").textContent()) ?? "",
        new RegExp(fmtInt(total)),
      );

      const next = run.laterCheckpoints.at(-1)!;
      await Deno.writeTextFile(join(run.dir, "checkpoint.json"), JSON.stringify(next));
      await waitForCount(seriesCount(page, "#chart-hv", "parents"), next.hypervolume.length);
      const summary = await (await fetch(`${server.url}api/run`)).json();
      assert.equal((await series(page, "#chart-energy", "front")).length, summary.front.length);
      assert.match(
        (await page.locator("#status").textContent()) ?? "",
        new RegExp(`${next.completed} of ${run.config.generations}`),
      );
      assert.equal(await page.evaluate(() => "notReloaded" in globalThis), true, "no reload");
    });

    await t.step("a replaced log starts the page over, still without a reload", async () => {
      const log = join(run.dir, "evaluations.jsonl");
      const lines = run.records.slice(0, 100).map((r) => JSON.stringify(r) + "\n").join("");
      await Deno.writeTextFile(`${log}.new`, lines);
      await Deno.rename(`${log}.new`, log);
      await waitForCount(page.locator("#log tbody tr"), 100);
      assert.equal(
        await page.locator("#log tbody tr").first().getAttribute("data-id"),
        run.records[99].id,
      );
      assert.equal(await page.evaluate(() => "notReloaded" in globalThis), true, "no reload");
    });

    assert.deepEqual(pageErrors, [], "no script errors on the page");
  } finally {
    await browser.close();
    await server.close();
    await run.remove();
  }
});
