/**
 * `deno task evolve`: the multi-objective search of CNN architectures and approximate
 * multipliers on CIFAR-10 (CGP + NSGA-II), then the longer retraining of its Pareto set.
 *
 *   deno task evolve                       # the default preset, 30-40 minutes on 2 cores
 *   deno task evolve --resume runs/X       # continue a stopped run
 *   deno task evolve --resume runs/X --generations 10   # extend a finished one
 *   deno task evolve --preset paper        # the long search
 *   deno task evolve --init-from runs/X --max-params 78042   # go on from X under a budget
 */
import { parseFlags, runMain } from "../src/cli/args.ts";
import { EVOLVE_FLAGS, EVOLVE_USAGE, listFlag } from "../src/search/run/flags.ts";
import { openRun } from "../src/search/run/open_run.ts";
import type { FinalRecord } from "../src/search/run/record.ts";
import { evolve } from "../src/search/loop/evolve.ts";
import { type FinalPlan, retrainFront } from "../src/search/final/retrain.ts";
import { paretoSet } from "../src/search/loop/front.ts";
import { writeReport } from "../src/search/report/write_report.ts";
import { carveSearchData } from "../src/search/evaluate/data.ts";
import { SearchPool } from "../src/search/evaluate/pool.ts";
import { getCifar10 } from "../src/data/cifar10/mod.ts";
import { compileEngine } from "../src/engine/wasm.ts";
import { Progress } from "../src/util/progress.ts";

await runMain(async () => {
  const f = parseFlags(Deno.args, EVOLVE_FLAGS, EVOLVE_USAGE);
  const { dir, config, library, notes } = await openRun(f);
  for (const note of notes) console.log(note);

  const dataDir = f.data === undefined ? undefined : String(f.data);
  const data = carveSearchData(
    await getCifar10({ dir: dataDir, split: "train" }),
    await getCifar10({ dir: dataDir, split: "test" }),
    config,
  );
  console.log(
    `approxnas search '${config.preset}' (seed ${config.seed}) in ${dir.path}: population ${config.population}, ` +
      `${config.offspring} offspring x ${config.generations} generations, ${config.multipliers.length} multipliers, ` +
      `${config.workers} worker(s). Candidates: ${config.candidate.epochs} epoch(s) on ${config.candidate.trainImages} ` +
      `training images, scored on ${config.candidate.validationImages} validation images in approximate 8-bit.`,
  );
  if (config.initial) {
    console.log(
      `first generation: ${config.initial.ids.join(", ")} of ${config.initial.from}` +
        ` (a parent over this run's constraints is shrunk to fit, or else replaced by its largest feasible mutant)`,
    );
  }
  await dir.log(
    `start: ${JSON.stringify({ resume: f.resume !== undefined, generations: config.generations })}`,
  );

  const pool = new SearchPool(await compileEngine(), data, config.workers, library);
  Deno.addSignalListener("SIGINT", () => {
    console.error(
      `\nstopped. Every finished evaluation is saved; continue with: deno task evolve --resume ${dir.path}`,
    );
    pool.close();
    Deno.exit(130);
  });
  try {
    let bar: Progress | undefined;
    const { checkpoint } = await evolve(dir, config, library, pool, {
      // No bar when the search is done already (a resume that only retrains).
      onStart: (logged, total) => {
        if (total > logged) bar = new Progress({ total: total - logged, label: "search" });
      },
      onEvaluation: (r, done, all) => {
        const what = r.error
          ? `failed: ${r.error.split("\n")[0]}`
          : r.violation > 0
          ? "infeasible (not trained)"
          : `val ${(100 * (r.validation?.approx8 ?? 0)).toFixed(1)}% ${
            r.reusedFrom ? "(seen before)" : ""
          }`;
        bar?.tick(1, `${done}/${all} ${r.id} ${what}`);
      },
      onGeneration: (g, hv, pop) => {
        const best = Math.max(...pop.filter((r) => r.validation).map((r) => r.validation!.approx8));
        const line =
          `generation ${g}: hypervolume ${
            hv.toFixed(4)
          }, best validation accuracy (approx. 8-bit) ` +
          `${(100 * best).toFixed(2)}%, front of ${paretoSet(pop).length}`;
        console.log(`\n${line}`);
        dir.log(line);
      },
    });
    bar?.done();
    const evaluations = await dir.readEvaluations();
    let finalBar: Progress | undefined;
    const finals = f["no-final"]
      ? await dir.readFinal()
      : await retrainFront(dir, config, library, evaluations, pool, {
        rechoose: f.rechoose === true,
        extra: f.retrain === undefined ? [] : listFlag("retrain", f.retrain),
        onPlan: (plan) => {
          finalBar = new Progress({ total: Math.max(1, plan.count), label: "final retraining" });
          console.log(planLine(plan, config.final));
        },
        onDone: (r) => finalBar?.tick(1, doneLine(r)),
      });
    const charts = await writeReport(dir.path, config, evaluations, finals, checkpoint);
    console.log(await Deno.readTextFile(dir.file("pareto.md")));
    console.log(
      `results: ${dir.file("pareto.csv")}, ${dir.file("pareto.md")}${
        charts.files.map((c) => `, ${dir.file(c)}`).join("")
      }`,
    );
    if (charts.skipped) console.log(`charts not drawn: ${charts.skipped}`);
  } finally {
    pool.close();
  }
});

/** What the final retraining is about to do. */
function planLine(plan: FinalPlan, final: { epochs: number; trainImages: number }): string {
  const what = plan.rechoose
    ? `re-choosing the multipliers of ${plan.count} retrained network(s) (no retraining)`
    : `retraining ${plan.count} network(s) picked from the archive${
      plan.askedFor ? " and asked for" : ""
    }${plan.retrainedBefore ? ` (${plan.retrainedBefore} retrained already)` : ""}: ` +
      `${final.epochs} epochs on ${final.trainImages} training images, measured on the ` +
      `CIFAR-10 test set`;
  const rechoice = plan.rechooseImages
    ? `; multipliers re-chosen on ${plan.rechooseImages} held-out training images`
    : "";
  return what + rechoice;
}

/** One retrained network's figures. */
function doneLine(r: FinalRecord): string {
  if (r.error) return `${r.id}: failed: ${r.error}`;
  const refined = r.refined
    ? `, re-chosen ${[...new Set(Object.values(r.refined.multipliers))].join("+")}: ${
      (100 * r.refined.test.approx8).toFixed(2)
    }% at ${(100 * (1 - r.refined.energyNj / r.exactEnergyNj)).toFixed(1)}% less energy`
    : "";
  return `${r.id}: test ${(100 * r.test.approx8).toFixed(2)}% (approx. 8-bit)${refined}`;
}
