/**
 * The human-facing outputs of a search run, written into its directory: pareto.csv,
 * pareto.md and the charts.
 */
import { join } from "node:path";
import type { Checkpoint, EvaluationRecord, FinalRecord } from "../run/record.ts";
import type { EvolveConfig } from "../run/config.ts";
import { writeAtomic } from "../run/run_dir.ts";
import { archiveFront } from "../loop/front.ts";
import { paretoCsv, paretoMarkdown } from "./pareto.ts";
import { writeCharts } from "./charts.ts";

/** Writes pareto.csv, pareto.md and the charts; returns the chart files written. */
export async function writeReport(
  dir: string,
  config: EvolveConfig,
  all: EvaluationRecord[],
  finals: FinalRecord[],
  checkpoint: Checkpoint,
): Promise<string[]> {
  const front = archiveFront(all);
  await writeAtomic(join(dir, "pareto.csv"), paretoCsv(front, finals));
  await writeAtomic(
    join(dir, "pareto.md"),
    paretoMarkdown(config, front, finals, checkpoint, all.length),
  );
  return await writeCharts(dir, config, all, front, finals, checkpoint);
}
