/**
 * `deno task bench`: the engine's speed, side by side with PyTorch on the same machine.
 *
 * 1. Convolution kernels: ms and GFLOP/s per ResNet-8/20 shape and pass (batch 128).
 * 2. Whole networks: ResNet-8 and ResNet-20 training and inference images/s with 1 and 2
 *    workers, peak memory of training ResNet-20.
 * 3. PyTorch CPU (when it can be installed here): the same networks with 1 and 2 threads,
 *    and the ratio engine / PyTorch.
 *
 * 4. 8-bit inference of ResNet-8 through multipliers (exact, decomposable and table-only
 *    designs) beside the engine's float inference and PyTorch's.
 *
 * Options: --quick (fewer steps), --no-pytorch, --no-conv, --no-quant, --out FILE.
 */
import { parseFlags, runMain } from "../src/cli/args.ts";
import { resnet } from "../src/graph/resnet.ts";
import { benchConv2d } from "./conv2d_bench.ts";
import { benchTraining, type TrainBenchResult } from "./train_bench.ts";
import { ensurePytorch, type PytorchBenchResult, runPytorchBench } from "./pytorch.ts";
import { benchQuantized } from "./quant_bench.ts";

const FLAGS = {
  quick: { type: "boolean", help: "fewer timed steps (noisier)" },
  "no-pytorch": { type: "boolean", help: "skip the PyTorch reference" },
  "no-conv": { type: "boolean", help: "skip the per-kernel table" },
  "no-quant": { type: "boolean", help: "skip the 8-bit inference table" },
  out: {
    type: "string",
    value: "FILE",
    aliases: ["json"],
    help: "also write every figure to this JSON file",
  },
} as const;

const mib = (b: number) => `${(b / 2 ** 20).toFixed(0)} MiB`;

await runMain(async () => {
  const f = parseFlags(
    Deno.args,
    FLAGS,
    "Usage: deno task bench [options]\n\nExample: deno task bench --quick --no-pytorch",
  );
  const steps = f.quick ? 4 : 12;
  const out: Record<string, unknown> = {
    date: new Date().toISOString(),
    cores: navigator.hardwareConcurrency,
  };

  if (!f["no-conv"]) {
    console.log("## Convolution kernels (float32, NHWC, batch 128, best of repetitions)\n");
    console.log("| layer | shape | fwd GFLOP/s | bwd input GFLOP/s | bwd weights GFLOP/s |");
    console.log("| --- | --- | --- | --- | --- |");
    const rows = await benchConv2d({
      batch: 128,
      reps: f.quick ? 2 : 4,
      onRow: (r) => {
        const g = (ms: number) => ms > 0 ? (r.flopsPerPass / ms / 1e6).toFixed(1) : "-";
        console.log(
          `| ${r.name} | ${r.label} | ${g(r.fwdMs)} | ${r.needsDx ? g(r.bwdInputMs) : "-"} | ${
            g(r.bwdWeightsMs)
          } |`,
        );
      },
    });
    out.conv = rows;
  }

  console.log("\n## Whole networks, batch 128, synthetic CIFAR-10-shaped data\n");
  const ours: TrainBenchResult[] = [];
  for (const depth of [8, 20]) {
    for (const workers of [1, 2]) {
      ours.push(
        await benchTraining(resnet(depth), {
          workers,
          steps: depth === 20 ? Math.ceil(steps / 2) : steps,
        }),
      );
    }
  }
  out.engine = ours;

  const torch: PytorchBenchResult[] = [];
  if (!f["no-pytorch"]) {
    const python = await ensurePytorch();
    if (python) {
      for (const depth of [8, 20]) {
        for (const threads of [1, 2]) {
          torch.push(
            await runPytorchBench({
              python,
              depth,
              threads,
              iters: depth === 20 ? Math.ceil(steps / 2) : steps,
            }),
          );
        }
      }
    }
  }
  out.pytorch = torch;

  console.log(
    "| network | threads | approxnas train img/s | PyTorch train img/s | ratio | approxnas infer img/s | PyTorch infer img/s | ratio |",
  );
  console.log("| --- | --- | --- | --- | --- | --- | --- | --- |");
  for (const r of ours) {
    const t = torch.find((p) => `resnet${p.depth}` === r.graph && p.threads === r.workers);
    const ratio = (a: number, b?: number) => (b ? `${(a / b).toFixed(2)}x` : "-");
    console.log(
      `| ${r.graph} | ${r.workers} | ${r.trainImgPerSec.toFixed(0)} | ${
        t ? t.trainImgPerSec.toFixed(0) : "-"
      } | ${ratio(r.trainImgPerSec, t?.trainImgPerSec)} | ${r.inferImgPerSec.toFixed(0)} | ${
        t ? t.inferImgPerSec.toFixed(0) : "-"
      } | ${ratio(r.inferImgPerSec, t?.inferImgPerSec)} |`,
    );
  }
  const r20 = ours.filter((r) => r.graph === "resnet20");
  console.log(
    `\nMemory, ResNet-20 training at batch 128: ${
      r20.map((r) =>
        `${r.workers} worker(s): engine memory ${
          mib(r.wasmBytesPerWorker)
        } per worker, process RSS ${mib(r.rssBytes)}`
      )
        .join("; ")
    }`,
  );
  if (!f["no-quant"]) {
    console.log(
      "\n## ResNet-8 inference: float and 8-bit through multipliers (batch 100, random weights and images)\n",
    );
    console.log("| engine | path | workers | img/s | PyTorch float img/s (same threads) |");
    console.log("| --- | --- | --- | --- | --- |");
    out.quant = await benchQuantized({
      count: f.quick ? 1000 : 2000,
      reps: f.quick ? 2 : 3,
      onRow: (r) => {
        const t = torch.find((p) => p.depth === 8 && p.threads === r.workers);
        console.log(
          `| ${r.engine} | ${r.path} | ${r.workers} | ${r.imgPerSec.toFixed(0)} | ${
            t ? t.inferImgPerSec.toFixed(0) : "-"
          } |`,
        );
      },
    });
  }
  if (f.out) await Deno.writeTextFile(String(f.out), JSON.stringify(out, null, 2));
});
