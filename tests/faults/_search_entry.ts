/**
 * The fault tests' search process: `deno task evolve`'s flags, run directory (openRun: the
 * lock, the checks of every file, a resume's report), search loop, final retraining and
 * report, with the stand-in for training (tests/faults/_stand_in.ts) instead of workers on
 * CIFAR-10. STAND_IN_DELAY_MS sets a task's time (default 40 ms).
 *
 *   deno run -A tests/faults/_search_entry.ts --preset smoke --run DIR ...
 */
import { parseFlags, runMain } from "../../src/cli/args.ts";
import { EVOLVE_FLAGS, listFlag } from "../../src/search/run/flags.ts";
import { openRun } from "../../src/search/run/open_run.ts";
import { evolve } from "../../src/search/loop/evolve.ts";
import { retrainFront } from "../../src/search/final/retrain.ts";
import { writeReport } from "../../src/search/report/write_report.ts";
import { StandInPool } from "./_stand_in.ts";

await runMain(async () => {
  const f = parseFlags(Deno.args, EVOLVE_FLAGS, "Usage: _search_entry.ts [evolve's options]");
  const { dir, config, library, notes } = await openRun(f);
  for (const note of notes) console.log(note);
  const pool = new StandInPool(config.workers, Number(Deno.env.get("STAND_IN_DELAY_MS") ?? 40));
  const { checkpoint } = await evolve(dir, config, library, pool);
  const evaluations = await dir.readEvaluations();
  const finals = f["no-final"] ? await dir.readFinal() : await retrainFront(
    dir,
    config,
    library,
    evaluations,
    pool,
    { extra: f.retrain === undefined ? [] : listFlag("retrain", f.retrain) },
  );
  await writeReport(dir.path, config, evaluations, finals, checkpoint);
  console.log(`done: ${evaluations.length} evaluations, ${finals.length} retrained`);
});
