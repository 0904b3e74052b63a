// deno task compare on fixture directories: the table's rows, both targets met and not met
// (figures computed from the fixtures, the boundaries included), the protocol check, the
// files written, and the errors for missing or incomplete inputs.
import assert from "node:assert/strict";
import { join } from "node:path";
import { presetConfig } from "../../../src/search/run/config.ts";
import type { FinalRecord } from "../../../src/search/run/record.ts";
import type { BaselineResult } from "../../../src/compare/baselines/dir.ts";
import type { BaselineSettings } from "../../../src/compare/baselines/settings.ts";
import { mergeRuns, readBaselines, readRun } from "../../../src/compare/comparison/inputs.ts";
import { compare } from "../../../src/compare/comparison/compare.ts";
import {
  compareMarkdown,
  protocolDifferences,
  writeComparison,
} from "../../../src/compare/comparison/outputs.ts";
import { chartsAvailable } from "../../../src/charts/render.ts";

const EXACT_PJ = 0.56;
const R8 = { params: 78042, mults: 12_501_632 };
const E0 = (R8.mults * EXACT_PJ) / 1000;

function settings(over: Partial<BaselineSettings> = {}): BaselineSettings {
  return {
    preset: "default",
    seed: 1,
    epochs: 8,
    trainImages: 45000,
    heldOutImages: 5000,
    calibrationImages: 256,
    compensate: true,
    tuneWeights: true,
    refineTolerance: 0.01,
    overrides: {},
    ...over,
  };
}

function result(
  network: string,
  multiplier: string,
  energyFactor: number,
  acc: { float: number; exact8: number; approx8: number },
  size = R8,
): BaselineResult {
  const exactEnergyNj = (size.mults * EXACT_PJ) / 1000;
  return {
    network,
    multiplier,
    params: size.params,
    mults: size.mults,
    energyNj: exactEnergyNj * energyFactor,
    exactEnergyNj,
    test: { ...acc, images: 10000 },
    epochs: 8,
    trainImages: 45000,
    seed: 1,
    calibrationImages: 256,
    compensate: true,
    model: `models/${network}.apxnet`,
    seconds: 1,
  };
}

const R8_ACC = { float: 0.8247, exact8: 0.8252 };
const baselineResults = [
  result("resnet8", "mul8u_exact", 1, { ...R8_ACC, approx8: 0.8252 }),
  result("resnet8", "mul8u_bam_h1v6", 0.66, { ...R8_ACC, approx8: 0.8181 }),
  {
    ...result("resnet8", "mul8u_bam_h2v6", 0.6, { ...R8_ACC, approx8: 0.8170 }),
    rechosen: true as const,
  },
  result("lenet5", "mul8u_exact", 1, { float: 0.65, exact8: 0.6502, approx8: 0.6502 }, {
    params: 62436,
    mults: 651720,
  }),
];

function final(
  id: string,
  params: number,
  energyFactor: number,
  test: { float: number; exact8: number; approx8: number },
  refined?: { energyFactor: number; approx8: number; name: string },
): FinalRecord {
  return {
    id,
    summary: `network ${id}`,
    params,
    mults: 1_000_000,
    multipliers: { conv1: "mul8u_bam_h1v4", dense9: "mul8u_bam_h1v4" },
    energyNj: E0 * energyFactor,
    exactEnergyNj: E0,
    epochs: 8,
    trainImages: 45000,
    test: { ...test, images: 10000 },
    ...(refined
      ? {
        refined: {
          multipliers: { conv1: refined.name, dense9: refined.name },
          energyNj: E0 * refined.energyFactor,
          validation: { exact8: 0.8, approx8: 0.795, images: 5000, tolerance: 0.01 },
          trials: [{ name: refined.name, approx8: 0.795 }],
          test: { approx8: refined.approx8, images: 10000 },
        },
      }
      : {}),
    model: `models/${id}.apxnet`,
    seconds: 10,
  };
}

async function fixture(finals: FinalRecord[], base: BaselineResult[] = baselineResults) {
  const root = await Deno.makeTempDir({ prefix: "compare_" });
  const run = join(root, "run"), bl = join(root, "baselines");
  await Deno.mkdir(run);
  await Deno.mkdir(bl);
  await Deno.writeTextFile(join(run, "config.json"), JSON.stringify(presetConfig("default")));
  await Deno.writeTextFile(
    join(run, "final.jsonl"),
    finals.map((f) => JSON.stringify(f) + "\n").join(""),
  );
  await Deno.writeTextFile(join(bl, "settings.json"), JSON.stringify(settings()));
  await Deno.writeTextFile(
    join(bl, "results.jsonl"),
    base.map((r) => JSON.stringify(r) + "\n").join(""),
  );
  return { root, run, bl };
}

async function comparisonOf(finals: FinalRecord[], base?: BaselineResult[]) {
  const f = await fixture(finals, base);
  try {
    const run = await readRun(f.run), baselines = await readBaselines(f.bl);
    return { run, baselines, c: compare(run, baselines) };
  } finally {
    await Deno.remove(f.root, { recursive: true });
  }
}

Deno.test("compare: one row per retrained network, one more per re-chosen multiplier, then the baselines", async () => {
  const finals = [
    final("g1-c1", 30000, 0.9, { float: 0.81, exact8: 0.80, approx8: 0.79 }, {
      energyFactor: 0.6,
      approx8: 0.8160,
      name: "mul8u_bam_h2v6",
    }),
    final("g2-c3", 50000, 0.5, { float: 0.75, exact8: 0.74, approx8: 0.73 }),
  ];
  const { run, baselines, c } = await comparisonOf(finals);
  assert.deepEqual(
    c.rows.map((r) => [r.network, r.side, r.variant, r.multipliers]),
    [
      ["g2-c3", "evolved", "search", "mul8u_bam_h1v4"],
      ["g1-c1", "evolved", "search", "mul8u_bam_h1v4"],
      ["g1-c1", "evolved", "re-chosen", "mul8u_bam_h2v6"],
      ["ResNet-8", "baseline", "", "mul8u_exact"],
      ["ResNet-8", "baseline", "", "mul8u_bam_h1v6"],
      ["ResNet-8", "baseline", "re-chosen", "mul8u_bam_h2v6"],
      ["LeNet-5", "baseline", "", "mul8u_exact"],
    ],
  );
  const rechosen = c.rows[2];
  assert.equal(rechosen.energyNj, E0 * 0.6);
  assert.equal(rechosen.approx8, 0.8160);
  assert.equal(rechosen.exact8, 0.80, "the same network's exact 8-bit");
  const md = compareMarkdown(run, baselines, c, { evolved: {}, baseline: {} });
  const table = md.split("\n").filter((l) => /^\| (g\d|ResNet|LeNet)/.test(l));
  assert.equal(table.length, c.rows.length);
  assert.match(md, /\| g1-c1 \| evolved \| 30,000 \| 1,000,000 \| mul8u_bam_h2v6 \(re-chosen\) \|/);
  assert.ok(md.indexOf("## How every figure was measured") < md.indexOf("## Targets"));
  assert.match(md, /Both sides were trained and measured alike/);
});

Deno.test("compare: both targets met, at their boundaries, and (b) through a re-chosen multiplier", async () => {
  const finals = [
    // Exactly 2 points below ResNet-8 in float and exact 8-bit: within the target.
    final("g1-c1", R8.params, 0.9, {
      float: R8_ACC.float - 0.02,
      exact8: R8_ACC.exact8 - 0.02,
      approx8: 0.79,
    }, { energyFactor: 0.7, approx8: R8_ACC.exact8 - 0.01, name: "mul8u_bam_h2v6" }),
    final("g2-c1", 20000, 0.2, { float: 0.70, exact8: 0.70, approx8: 0.69 }),
  ];
  const { c } = await comparisonOf(finals);
  assert.equal(c.size.met, true, c.size.text);
  assert.equal(c.size.best!.network, "g1-c1");
  assert.equal(c.size.floatGap, 2);
  assert.equal(c.size.exact8Gap, 2);
  assert.match(
    c.size.text,
    /\*\*met\*\*.*g1-c1 \(78,042 parameters\), has 80\.47% float \(2\.00 points below\) and 80\.52% exact 8-bit \(2\.00 points below\)/,
  );
  // 30% less for exactly 1 point: met, through the re-chosen multiplier; g2-c1 is cheaper
  // but far less accurate.
  assert.equal(c.energy.met, true, c.energy.text);
  assert.equal(c.energy.best!.variant, "re-chosen");
  assert.ok(Math.abs(c.energy.saving! - 0.3) < 1e-12);
  assert.match(
    c.energy.text,
    /\*\*met\*\*\. g1-c1 with mul8u_bam_h2v6 \(re-chosen after retraining\) reaches 81\.52% in approximate 8-bit .*: 30\.0% less than ResNet-8/,
  );
  assert.match(
    c.energy.referenceText!,
    /ResNet-8 itself with the cheapest multiplier within 1 point \(mul8u_bam_h2v6\): 81\.70% at .* nJ, 40\.0% less/,
  );
});

Deno.test("compare: both targets not met, with the numbers that miss", async () => {
  const finals = [
    // Half ResNet-8's energy at its accuracy, but larger: counts for neither target.
    final("big", 90000, 0.5, { float: 0.85, exact8: 0.85, approx8: 0.85 }),
    final("small", 50000, 0.5, { float: 0.80, exact8: 0.7901, approx8: 0.78 }),
  ];
  const { c } = await comparisonOf(finals);
  assert.equal(c.size.met, false);
  assert.equal(c.size.best!.network, "small", "the larger network does not count for (a)");
  assert.match(
    c.size.text,
    /\*\*not met\*\*.*80\.00% float \(2\.47 points below\) and 79\.01% exact 8-bit \(3\.51 points below\)/,
  );
  assert.equal(c.energy.met, false);
  assert.equal(c.energy.best, undefined);
  assert.match(
    c.energy.text,
    /with at most its 78,042 parameters: \*\*not met\*\*: no evolved network of that size is within 1 point; the most accurate in approximate 8-bit is small \(mul8u_bam_h1v4\) at 78\.00%, 4\.52 points below/,
  );
  // Within 1 point and small enough, but not 30% cheaper.
  const close = await comparisonOf([
    final("near", 70000, 1.2, { float: 0.82, exact8: 0.82, approx8: 0.82 }),
  ]);
  assert.equal(close.c.energy.met, false);
  assert.equal(close.c.energy.best!.network, "near");
  assert.match(
    close.c.energy.text,
    /\*\*not met\*\*\. near with mul8u_bam_h1v4 reaches 82\.00% .*: 20\.0% more than ResNet-8/,
  );

  // Nothing small enough, nothing accurate enough.
  const none = await comparisonOf([
    final("g", 80000, 0.1, { float: 0.5, exact8: 0.5, approx8: 0.4 }),
  ]);
  assert.equal(none.c.size.met, false);
  assert.match(none.c.size.text, /no evolved network has at most 78,042 parameters/);
  assert.equal(none.c.energy.met, false);
  assert.match(
    none.c.energy.text,
    /\*\*not met\*\*: no evolved network has at most 78,042 parameters/,
  );
});

Deno.test("compare: a different budget on the two sides is said, and the files are written", async () => {
  const f = await fixture([final("g1-c1", 30000, 0.5, { float: 0.8, exact8: 0.8, approx8: 0.8 })]);
  try {
    await Deno.writeTextFile(
      join(f.bl, "settings.json"),
      JSON.stringify(settings({ epochs: 1, trainImages: 2000, overrides: { epochs: [8, 1] } })),
    );
    const run = await readRun(f.run), baselines = await readBaselines(f.bl);
    assert.deepEqual(protocolDifferences(run, baselines), [
      "epochs: search 8, baselines 1",
      "training images: search 45000, baselines 2000",
    ]);
    const c = compare(run, baselines);
    const how = { evolved: {}, baseline: {} };
    const out = await writeComparison(run, baselines, c, how, { charts: false });
    const md = await Deno.readTextFile(join(f.run, "compare.md"));
    assert.match(
      md,
      /\*\*The two sides were not trained and measured alike\*\*: epochs: search 8, baselines 1/,
    );
    assert.match(md, /Charts not drawn \(charts not asked for/);
    const csv = (await Deno.readTextFile(join(f.run, "compare.csv"))).trimEnd().split("\n");
    assert.equal(csv.length, c.rows.length + 1);
    assert.ok(csv[0].startsWith("network,side,variant,params,mults,multipliers,energy_nJ"));
    assert.deepEqual(out.files, [join(f.run, "compare.md"), join(f.run, "compare.csv")]);

    // With charts: both PNGs when the canvas is there, else a note that says why not.
    const ready = await chartsAvailable();
    const drawn = await writeComparison(run, baselines, c, how);
    if (ready === true) {
      for (const name of ["compare_accuracy_vs_energy.png", "compare_accuracy_vs_params.png"]) {
        const png = await Deno.readFile(join(f.run, "charts", name));
        assert.deepEqual([...png.subarray(1, 4)], [0x50, 0x4e, 0x47], `${name} is a PNG`);
      }
      assert.equal(drawn.files.length, 4);
    } else {
      assert.equal(drawn.chartsSkipped, ready);
      assert.match(await Deno.readTextFile(join(f.run, "compare.md")), /Charts not drawn/);
    }
  } finally {
    await Deno.remove(f.root, { recursive: true });
  }
});

Deno.test("compare: missing or incomplete inputs are errors naming the file and the command", async () => {
  const f = await fixture([final("g1-c1", 30000, 0.5, { float: 0.8, exact8: 0.8, approx8: 0.8 })]);
  try {
    const rejects = (p: Promise<unknown>, ...parts: string[]) =>
      assert.rejects(p, (e: Error) => {
        for (const part of parts) {
          assert.ok(e.message.includes(part), `'${e.message}' names ${part}`);
        }
        return true;
      });
    await rejects(
      readRun(join(f.root, "nothing")),
      join(f.root, "nothing", "config.json"),
      "deno task evolve",
    );
    await Deno.remove(join(f.run, "final.jsonl"));
    await rejects(readRun(f.run), join(f.run, "final.jsonl"), "deno task evolve --resume");
    await Deno.writeTextFile(
      join(f.run, "final.jsonl"),
      JSON.stringify({ ...final("x", 1, 1, { float: 0, exact8: 0, approx8: 0 }), error: "oom" }) +
        "\n",
    );
    await rejects(readRun(f.run), join(f.run, "final.jsonl"), "no successfully retrained network");

    await rejects(
      readBaselines(join(f.root, "none")),
      join(f.root, "none", "settings.json"),
      "deno task baselines --out",
    );
    await Deno.remove(join(f.bl, "results.jsonl"));
    await rejects(
      readBaselines(f.bl),
      join(f.bl, "results.jsonl"),
      "not found",
      "deno task baselines",
    );
    await Deno.writeTextFile(
      join(f.bl, "results.jsonl"),
      JSON.stringify(baselineResults[1]) + "\n" + JSON.stringify(baselineResults[3]) + "\n",
    );
    await rejects(
      readBaselines(f.bl),
      join(f.bl, "results.jsonl"),
      "no ResNet-8 result with mul8u_exact",
      "--models resnet8",
    );
  } finally {
    await Deno.remove(f.root, { recursive: true });
  }
});

Deno.test("compare: after a re-choice (a newer final.jsonl line for a network) only the newest counts", async () => {
  const older = final("g1-c1", 30000, 0.9, { float: 0.81, exact8: 0.80, approx8: 0.79 }, {
    energyFactor: 0.8,
    approx8: 0.7950,
    name: "mul8u_bam_h1v4",
  });
  const newer = final("g1-c1", 30000, 0.9, { float: 0.81, exact8: 0.80, approx8: 0.79 }, {
    energyFactor: 0.6,
    approx8: 0.7930,
    name: "mul8u_bam_h2v6",
  });
  const { c } = await comparisonOf([older, newer]);
  const evolved = c.rows.filter((r) => r.side === "evolved");
  assert.deepEqual(
    evolved.map((r) => [r.network, r.variant, r.multipliers]),
    [["g1-c1", "search", "mul8u_bam_h1v4"], ["g1-c1", "re-chosen", "mul8u_bam_h2v6"]],
  );
  assert.equal(evolved[1].energyNj, E0 * 0.6);
});

Deno.test("compare: several runs are one side, their networks named RUN/ID; unlike runs are refused", async () => {
  const a = await fixture([
    final("g1-c1", 30000, 0.5, { float: 0.7, exact8: 0.7, approx8: 0.69 }),
  ]);
  const b = await fixture([
    // Within 2 points of ResNet-8 at its size: only the second run meets target (a).
    final("g1-c1", R8.params, 0.9, {
      float: R8_ACC.float - 0.01,
      exact8: R8_ACC.exact8 - 0.01,
      approx8: 0.8,
    }),
  ]);
  try {
    const second = join(b.root, "second");
    await Deno.rename(b.run, second);
    const merged = mergeRuns([await readRun(a.run), await readRun(second)]);
    assert.deepEqual(merged.finals.map((f) => f.id), ["run/g1-c1", "second/g1-c1"]);
    assert.equal(merged.finals[1].model, join(second, "models/g1-c1.apxnet"));
    assert.deepEqual(merged.sources!.map((s) => s.path), [a.run, second]);
    const baselines = await readBaselines(a.bl);
    const c = compare(merged, baselines);
    assert.equal(c.size.met, true, c.size.text);
    assert.equal(c.size.best!.network, "second/g1-c1");
    const out = join(a.root, "out");
    const written = await writeComparison(merged, baselines, c, { evolved: {}, baseline: {} }, {
      charts: false,
      out,
    });
    assert.deepEqual(written.files, [join(out, "compare.md"), join(out, "compare.csv")]);
    const md = await Deno.readTextFile(join(out, "compare.md"));
    assert.ok(
      md.includes(`${a.run}, preset 'default', seed 1; ${second}, preset 'default', seed 1`),
    );
    assert.ok(md.includes("| second/g1-c1 | evolved |"));

    // One run alone is itself; runs retrained differently or named alike are refused.
    const one = await readRun(a.run);
    assert.equal(mergeRuns([one]), one);
    const other = { ...one, path: "/x/other", config: presetConfig("default") };
    other.config.final = { ...other.config.final, epochs: 50 };
    assert.throws(
      () => mergeRuns([one, other]),
      /Runs '.*run' and '\/x\/other' were retrained or measured differently \(final\.epochs: 8 vs 50/,
    );
    assert.throws(
      () => mergeRuns([one, { ...one, path: "/elsewhere/run" }]),
      /same directory name cannot be told apart: run, run/,
    );
  } finally {
    for (const f of [a, b]) await Deno.remove(f.root, { recursive: true });
  }
});
