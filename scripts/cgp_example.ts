/**
 * Two networks of the default search space (2 x 10 grid, levels-back 4, 16/32/64 filters,
 * 3x3 and 5x5) decoded by the CGP decoder, for the ONNX tests and measurements:
 *
 * - `cgpExampleGraph()`: an evolved-style network with both merges: two convolutions
 *   concatenated, max pooling, a residual block summed with a convolution, average pooling,
 *   a convolution summed with the narrower pooled tensor (a 1x1 projection), and a final
 *   concatenation; 62k parameters, 13M multiplications.
 * - `largestDefaultGraph()`: 18 of the 20 grid nodes 64-filter 5x5 residual blocks, summed
 *   at the output (the largest network the default grid decodes, before the search's
 *   constraints), for the export-time target.
 *
 * Run as a script, it trains the example briefly and saves it:
 *
 *   deno run --allow-read --allow-write --allow-env scripts/cgp_example.ts \
 *     --epochs 3 --out runs/cgp-example/model.apxnet
 */
import { parseArgs } from "node:util";
import { dirname } from "node:path";
import { getCifar10 } from "../src/data/cifar10/mod.ts";
import type { Graph } from "../src/graph/graph.ts";
import { graphCost } from "../src/graph/count.ts";
import {
  assertGenome,
  type CgpConfig,
  cgpConfig,
  decodeGenome,
  functionName,
  functionSet,
  genomeLayout,
  setNode,
} from "../src/search/mod.ts";
import { presetConfig } from "../src/search/run/config.ts";
import { STANDARD_RECIPE } from "../src/train/recipe.ts";
import { train } from "../src/train/trainer.ts";
import { saveModel } from "../src/model/model_file.ts";

/** The default preset's search space, without multiplier genes. */
export function defaultSpace(): CgpConfig {
  const c = presetConfig("default").cgp;
  return cgpConfig({
    rows: c.rows,
    cols: c.cols,
    levelsBack: c.levelsBack,
    functions: functionSet({ filters: c.filters, kernels: c.kernels }),
    multiplierGenes: "none",
  });
}

type Genes = Record<number, [string, number, number]>;

/** Decodes node genes given as [function name, input address, input address]. */
function decodeNodes(config: CgpConfig, nodes: Genes, output: number, name: string): Graph {
  const l = genomeLayout(config);
  const genome = new Int32Array(l.length);
  const fnIndex = (f: string) => {
    const i = config.functions.findIndex((g) => functionName(g) === f);
    if (i < 0) throw new Error(`no function '${f}' in the default set`);
    return i;
  };
  for (const [k, [f, a, b]] of Object.entries(nodes)) {
    setNode(config, genome, Number(k), { fn: fnIndex(f), inputs: [a, b] });
  }
  genome[l.outputGene] = output;
  assertGenome(config, genome);
  return decodeGenome(config, genome, { name }).graph;
}

export function cgpExampleGraph(): Graph {
  // Node k sits in column floor(k / 2); address k + 1 names it, 0 the input.
  return decodeNodes(
    defaultSpace(),
    {
      0: ["conv32k3", 0, 0],
      1: ["conv16k5", 0, 0],
      2: ["concat", 1, 2],
      4: ["maxpool", 3, 0],
      6: ["res32k3", 5, 0],
      7: ["conv32k3", 5, 0],
      8: ["sum", 7, 8],
      10: ["avgpool", 9, 0],
      12: ["conv64k3", 11, 0],
      14: ["sum", 13, 11],
      16: ["concat", 15, 13],
    },
    17,
    "cgp-example",
  );
}

export function largestDefaultGraph(): Graph {
  const space = defaultSpace();
  const nodes: Genes = {};
  const last = space.rows * space.cols - 1;
  // Nodes of columns 0 .. cols - 2 read the two nodes of the column before; the output, in
  // the last column, sums the two of the one before it (its column's other node cannot be
  // an ancestor, so 19 of the 20 nodes are active).
  for (let k = 0; k < last - 1; k++) {
    const col = Math.floor(k / space.rows);
    const prev = col === 0 ? [0, 0] : [2 * col - 1, 2 * col];
    nodes[k] = ["res64k5", prev[k % 2], 0];
  }
  nodes[last] = ["sum", last - 2, last - 1];
  return decodeNodes(space, nodes, last + 1, "largest-default");
}

if (import.meta.main) {
  const { values } = parseArgs({
    args: Deno.args,
    options: {
      epochs: { type: "string", default: "3" },
      out: { type: "string", default: "runs/cgp-example/model.apxnet" },
      workers: { type: "string", default: "2" },
    },
  });
  const graph = cgpExampleGraph();
  const cost = graphCost(graph);
  console.log(`${graph.name}: ${cost.params} parameters, ${cost.mults} multiplications`);
  const recipe = { ...STANDARD_RECIPE, epochs: Number(values.epochs) };
  const trainSet = await getCifar10({ split: "train" });
  const testSet = await getCifar10({ split: "test" });
  const result = await train({
    graph,
    recipe,
    train: trainSet,
    evaluation: testSet,
    workers: Number(values.workers),
    onEpoch: (r) =>
      console.log(`epoch ${r.epoch}: test accuracy ${(100 * r.evalAccuracy!).toFixed(2)}%`),
  });
  await Deno.mkdir(dirname(values.out!), { recursive: true });
  await saveModel(values.out!, {
    graph,
    params: result.params,
    state: result.state,
    meta: { recipe, testAccuracy: result.history.at(-1)?.evalAccuracy, script: "cgp_example" },
  });
  console.log(`saved ${values.out}`);
}
