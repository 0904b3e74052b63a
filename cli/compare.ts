/**
 * `deno task compare RUN [RUN...] [--baselines DIR] [--out DIR]`: finished searches' retrained
 * Pareto sets beside the human-designed baselines (deno task baselines): compare.md (how
 * every figure was measured, the two targets checked, one table), compare.csv and two
 * charts in charts/, written to the first RUN unless --out says otherwise. Several runs (seeds,
 * budgets, warm starts) count as one side, their networks named RUN/ID. Prints the targets.
 *
 * Permissions: --allow-read (the run, the baselines, the charts' npm modules), --allow-write
 * (the outputs), --allow-ffi and --allow-sys=homedir (the canvas addon that draws the
 * charts, which looks for fonts in the home folder), --allow-env=APPROXNAS_DEBUG (stack traces
 * on errors) and the variables the addon reads.
 */
import { join } from "node:path";
import { helpText, parseCommand, runMain, UsageError } from "../src/cli/args.ts";
import { readModelFile } from "../src/model/model_file.ts";
import { mergeRuns, readBaselines, readRun } from "../src/compare/comparison/inputs.ts";
import { compare } from "../src/compare/comparison/compare.ts";
import {
  type SidesMeasured,
  targetSummary,
  writeComparison,
} from "../src/compare/comparison/outputs.ts";
import { type MeasuredHow, measuredHowOf } from "../src/compare/protocol.ts";

const USAGE = `Usage: deno task compare RUN [RUN...] [options]

Example: deno task compare runs/evolve-default-s1 --baselines runs/baselines`;
const FLAGS = {
  baselines: {
    type: "string",
    value: "DIR",
    default: "runs/baselines",
    help: "the baselines directory (deno task baselines --out DIR)",
  },
  out: {
    type: "string",
    value: "DIR",
    help: "where compare.md, compare.csv and charts/ go",
    defaultText: "the first RUN",
  },
  "no-charts": { type: "boolean", help: "write the tables only" },
} as const;

/** How a side was measured, from one of its model files (nothing when it cannot be read). */
async function howOf(path: string | undefined): Promise<MeasuredHow> {
  if (!path) return {};
  try {
    return measuredHowOf((await readModelFile(path)).meta);
  } catch {
    return {};
  }
}

await runMain(async () => {
  const { values, positionals } = parseCommand(Deno.args, FLAGS, USAGE);
  if (positionals.length === 0) {
    throw new UsageError(`expected a run directory (RUN)\n\n${helpText(USAGE, FLAGS)}`);
  }
  const runs = [];
  for (const p of positionals) runs.push(await readRun(p));
  const run = mergeRuns(runs);
  const baselines = await readBaselines(String(values.baselines));
  const c = compare(run, baselines);
  const how: SidesMeasured = {
    evolved: await howOf(join(runs[0].path, runs[0].finals[0].model)),
    baseline: await howOf(join(baselines.path, baselines.results[0].model)),
  };
  const out = await writeComparison(run, baselines, c, how, {
    charts: !values["no-charts"],
    out: values.out === undefined ? undefined : String(values.out),
  });
  console.log(targetSummary(c).replaceAll("**", ""));
  if (out.chartsSkipped) console.log(`charts not drawn: ${out.chartsSkipped}`);
  console.log(`written: ${out.files.join(", ")}`);
});
