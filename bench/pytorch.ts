/**
 * Running the PyTorch reference (`bench/pytorch_resnet.py`) side by side with approxnas: a
 * private virtual environment with torch, and typed results parsed from the script's JSON
 * lines. Needs `--allow-run`, `--allow-read` and `--allow-write` (for `.cache/venv`).
 */

/** The torch release the machine's local package store serves (CPU build). */
export const TORCH_VERSION = "2.13.0";

/** Where the private environment lives: `.cache/venv` at the repository root. */
export const DEFAULT_VENV_DIR = new URL("../.cache/venv", import.meta.url).pathname;

/** The reference script beside this file. */
export const PYTORCH_SCRIPT = new URL("./pytorch_resnet.py", import.meta.url).pathname;

/** Options for {@link ensurePytorch}. */
export interface EnsurePytorchOptions {
  /** Directory of the virtual environment (default `.cache/venv`). */
  venvDir?: string;
  /** The interpreter that creates it (default `python3`). */
  python?: string;
  /** Where progress and the reason for a failure go (default: stderr). */
  log?: (message: string) => void;
}

/**
 * Makes sure a Python with torch and numpy exists in a private venv, creating it and
 * installing `torch==2.13.0 numpy` with pip the first time (a few minutes).
 *
 * @returns the venv's python path, or null (after logging why) when python3, venv, pip or
 * torch is unavailable: a benchmark then runs without the PyTorch column.
 * @example
 * const python = await ensurePytorch();
 * if (python) console.log(await runPytorchBench({ python, depth: 8, threads: 2 }));
 */
export async function ensurePytorch(options: EnsurePytorchOptions = {}): Promise<string | null> {
  const venvDir = options.venvDir ?? DEFAULT_VENV_DIR;
  const log = options.log ?? ((m: string) => console.error(m));
  const venvPython = `${venvDir}/bin/python`;

  if ((await run(venvPython, ["-c", "import torch, numpy"])).ok) return venvPython;

  if (!(await exists(venvPython))) {
    const base = options.python ?? "python3";
    const version = await run(base, ["--version"]);
    if (!version.ok) {
      log(`PyTorch reference skipped: cannot run '${base}' (${version.reason})`);
      return null;
    }
    log(`Creating a Python environment in ${venvDir} (${version.stdout.trim()})...`);
    const created = await run(base, ["-m", "venv", venvDir]);
    if (!created.ok) {
      log(`PyTorch reference skipped: '${base} -m venv ${venvDir}' failed: ${created.reason}`);
      return null;
    }
  }

  log(`Installing torch==${TORCH_VERSION} and numpy into ${venvDir} (once; takes minutes)...`);
  const pip = await run(`${venvDir}/bin/pip`, [
    "install",
    "--quiet",
    `torch==${TORCH_VERSION}`,
    "numpy",
  ]);
  if (!pip.ok) {
    log(`PyTorch reference skipped: pip could not install torch==${TORCH_VERSION}: ${pip.reason}`);
    return null;
  }
  const check = await run(venvPython, ["-c", "import torch, numpy"]);
  if (!check.ok) {
    log(`PyTorch reference skipped: torch installed but does not import: ${check.reason}`);
    return null;
  }
  return venvPython;
}

/** Options for {@link runPytorchBench}. */
export interface PytorchBenchOptions {
  /** Path of a python with torch (from {@link ensurePytorch}). */
  python: string;
  /** ResNet depth, 6n + 2 (default 8). */
  depth?: number;
  /** Intra-op threads PyTorch may use. */
  threads: number;
  /** Images per batch (default 128). */
  batch?: number;
  /** Timed iterations for each of training and inference (default 20). */
  iters?: number;
}

/** One `bench` run of the reference script. */
export interface PytorchBenchResult {
  depth: number;
  params: number;
  threads: number;
  batch: number;
  iters: number;
  /** Training throughput (forward, backward, SGD step) in images per second. */
  trainImgPerSec: number;
  /** Inference throughput (eval mode, no gradients) in images per second. */
  inferImgPerSec: number;
}

/**
 * Times ResNet training and inference on synthetic batches in PyTorch.
 * @example
 * const r = await runPytorchBench({ python, depth: 8, threads: 1, iters: 10 });
 * console.log(r.trainImgPerSec, r.inferImgPerSec);
 */
export async function runPytorchBench(options: PytorchBenchOptions): Promise<PytorchBenchResult> {
  const args = [
    "bench",
    "--depth",
    String(options.depth ?? 8),
    "--batch",
    String(options.batch ?? 128),
    "--iters",
    String(options.iters ?? 20),
  ];
  const lines = await runScript(options.python, args, options.threads);
  const record = lines.find((line) => line.mode === "bench");
  if (!record) throw new Error(`pytorch_resnet.py bench printed no JSON result line`);
  return {
    depth: num(record, "depth"),
    params: num(record, "params"),
    threads: num(record, "threads"),
    batch: num(record, "batch"),
    iters: num(record, "iters"),
    trainImgPerSec: num(record, "train_img_per_s"),
    inferImgPerSec: num(record, "infer_img_per_s"),
  };
}

/** Options for {@link runPytorchTrain}. */
export interface PytorchTrainOptions {
  python: string;
  /** Directory with the official CIFAR-10 binary files (`.bin` or `.bin.gz`). */
  data: string;
  epochs: number;
  threads: number;
  seed?: number;
  depth?: number;
  /** Use only the first `limit` training and test images (for smoke tests). */
  limit?: number;
  /** Called as each epoch's line arrives. */
  onEpoch?: (epoch: PytorchEpoch) => void;
}

/** One epoch of the reference training run. */
export interface PytorchEpoch {
  epoch: number;
  /** Mean cross-entropy over the epoch's training batches. */
  trainLoss: number;
  trainAccuracy: number;
  testAccuracy: number;
  /** Wall time of this epoch (training and test pass). */
  seconds: number;
}

/**
 * Trains a ResNet on CIFAR-10 in PyTorch with the standard recipe and returns each epoch's
 * loss, accuracy and time.
 */
export async function runPytorchTrain(options: PytorchTrainOptions): Promise<PytorchEpoch[]> {
  const args = [
    "train",
    "--data",
    options.data,
    "--epochs",
    String(options.epochs),
    "--seed",
    String(options.seed ?? 0),
    "--depth",
    String(options.depth ?? 8),
  ];
  if (options.limit !== undefined) args.push("--limit", String(options.limit));
  const epochs: PytorchEpoch[] = [];
  await runScript(options.python, args, options.threads, (record) => {
    if (record.mode !== "train") return;
    const epoch: PytorchEpoch = {
      epoch: num(record, "epoch"),
      trainLoss: num(record, "train_loss"),
      trainAccuracy: num(record, "train_acc"),
      testAccuracy: num(record, "test_acc"),
      seconds: num(record, "seconds"),
    };
    epochs.push(epoch);
    options.onEpoch?.(epoch);
  });
  return epochs;
}

type JsonRecord = Record<string, unknown>;

/**
 * Runs the script, handing each JSON line of its stdout to `onRecord` as it arrives (a
 * training run lasts many minutes) and returning them all. Other lines are ignored.
 */
async function runScript(
  python: string,
  args: string[],
  threads: number,
  onRecord?: (record: JsonRecord) => void,
): Promise<JsonRecord[]> {
  const t = String(threads);
  const child = new Deno.Command(python, {
    args: [PYTORCH_SCRIPT, ...args, "--threads", t],
    // OpenMP and MKL read these before torch.set_num_threads runs; without them a
    // one-thread run may still start a pool as wide as the machine.
    env: { OMP_NUM_THREADS: t, MKL_NUM_THREADS: t },
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const stderr = new Response(child.stderr).text();

  const records: JsonRecord[] = [];
  let pending = "";
  const take = (line: string) => {
    const record = parseJsonLine(line);
    if (!record) return;
    records.push(record);
    onRecord?.(record);
  };
  for await (const chunk of child.stdout.pipeThrough(new TextDecoderStream())) {
    pending += chunk;
    let newline;
    while ((newline = pending.indexOf("\n")) >= 0) {
      take(pending.slice(0, newline));
      pending = pending.slice(newline + 1);
    }
  }
  take(pending);

  const status = await child.status;
  if (!status.success) {
    const tail = (await stderr).trim().split("\n").slice(-15).join("\n");
    throw new Error(
      `pytorch_resnet.py ${args[0]} exited with code ${status.code}:\n${tail}`,
    );
  }
  return records;
}

function parseJsonLine(line: string): JsonRecord | null {
  const text = line.trim();
  if (!text.startsWith("{")) return null;
  try {
    return JSON.parse(text) as JsonRecord;
  } catch {
    return null;
  }
}

function num(record: JsonRecord, key: string): number {
  const value = record[key];
  if (typeof value !== "number") {
    throw new Error(
      `pytorch_resnet.py printed ${JSON.stringify(record)}: expected a number in '${key}'`,
    );
  }
  return value;
}

interface RunResult {
  ok: boolean;
  stdout: string;
  /** Why it failed: the program's last stderr lines, or the spawn error. */
  reason: string;
}

async function run(program: string, args: string[]): Promise<RunResult> {
  try {
    const out = await new Deno.Command(program, { args, stdout: "piped", stderr: "piped" })
      .output();
    const stderr = new TextDecoder().decode(out.stderr).trim();
    return {
      ok: out.success,
      stdout: new TextDecoder().decode(out.stdout),
      reason: out.success ? "" : stderr.split("\n").slice(-5).join("\n") || `exit ${out.code}`,
    };
  } catch (e) {
    return { ok: false, stdout: "", reason: (e as Error).message };
  }
}

async function exists(path: string): Promise<boolean> {
  try {
    await Deno.stat(path);
    return true;
  } catch {
    return false;
  }
}
