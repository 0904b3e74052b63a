/**
 * The human-facing outputs of a search run, written into its directory: pareto.csv,
 * pareto.md and the charts (src/charts/run_charts.ts, from the definitions the dashboard draws).
 */
import { join } from "node:path";
import type { Checkpoint, EvaluationRecord, FinalRecord } from "../run/record.ts";
import type { EvolveConfig } from "../run/config.ts";
import { writeFileAtomic } from "../../util/atomic_file.ts";
import { archiveFront } from "../loop/front.ts";
import { paretoCsv, paretoMarkdown } from "./pareto.ts";
import { writeRunCharts, type WrittenCharts } from "../../charts/run_charts.ts";

/** Writes pareto.csv, pareto.md and the charts; returns the chart files written, or why not. */
export async function writeReport(
  dir: string,
  config: EvolveConfig,
  all: EvaluationRecord[],
  finals: FinalRecord[],
  checkpoint: Checkpoint,
): Promise<WrittenCharts> {
  const front = archiveFront(all);
  await writeFileAtomic(join(dir, "pareto.csv"), paretoCsv(front, finals));
  await writeFileAtomic(
    join(dir, "pareto.md"),
    paretoMarkdown(config, front, finals, checkpoint, all.length),
  );
  return await writeRunCharts(dir, {
    records: all,
    front: new Set(front.map((r) => r.id)),
    finals,
    hypervolume: checkpoint,
    generations: config.generations,
    seed: config.seed,
  });
}
