/**
 * Training checkpoints: after every epoch, the model (as a model file whose metadata holds
 * the progress) and the optimiser's velocity, so that a killed run resumes where it stopped
 * and ends with the same weights as an uninterrupted one.
 */
import { join } from "node:path";
import type { Graph } from "../graph/graph.ts";
import type { TrainRecipe } from "./recipe.ts";
import type { Weights } from "./replica_pool.ts";
import type { EpochReport } from "./epoch_report.ts";
import { readModelFile, saveModel } from "../model/model_file.ts";
import { writeFileAtomic } from "../util/atomic_file.ts";

export interface Checkpoint {
  graph: Graph;
  recipe: TrainRecipe;
  weights: Required<Weights>;
  history: EpochReport[];
  epochsDone: number;
}

const MODEL = "checkpoint.apxnet";
const velocityFile = (epoch: number) => `velocity-${epoch}.f32`;

export async function saveCheckpoint(dir: string, c: Checkpoint): Promise<void> {
  await Deno.mkdir(dir, { recursive: true });
  // The velocity goes first under its own epoch's name; the model file, renamed into place
  // last, is what says which epoch is complete.
  const { velocity } = c.weights;
  await writeFileAtomic(
    join(dir, velocityFile(c.epochsDone)),
    new Uint8Array(velocity.buffer, velocity.byteOffset, velocity.byteLength),
  );
  await saveModel(join(dir, MODEL), {
    graph: c.graph,
    params: c.weights.params,
    state: c.weights.state,
    meta: { checkpoint: { epochsDone: c.epochsDone, recipe: c.recipe, history: c.history } },
  });
  for (let e = 0; e < c.epochsDone; e++) {
    await Deno.remove(join(dir, velocityFile(e))).catch(() => {});
  }
}

/**
 * The checkpoint in `dir`, or null when there is none. Refuses one made for another graph
 * or recipe, naming what differs.
 */
export async function loadCheckpoint(
  dir: string,
  graph: Graph,
  recipe: TrainRecipe,
): Promise<Checkpoint | null> {
  const path = join(dir, MODEL);
  try {
    await Deno.stat(path);
  } catch {
    return null;
  }
  const model = await readModelFile(path);
  const meta = model.meta.checkpoint as {
    epochsDone: number;
    recipe: TrainRecipe;
    history: EpochReport[];
  };
  if (!meta) throw new Error(`'${path}' is a model file but not a training checkpoint`);
  if (JSON.stringify(model.graph) !== JSON.stringify(graph)) {
    throw new Error(
      `Cannot resume from '${path}': it holds graph '${model.graph.name}', not this run's '${graph.name}'`,
    );
  }
  for (const key of Object.keys(recipe) as (keyof TrainRecipe)[]) {
    if (meta.recipe[key] !== recipe[key]) {
      throw new Error(
        `Cannot resume from '${path}': it was trained with ${key} = ${
          meta.recipe[key]
        }, this run asks for ${recipe[key]}`,
      );
    }
  }
  const vPath = join(dir, velocityFile(meta.epochsDone));
  const bytes = await Deno.readFile(vPath);
  if (bytes.length !== model.params.length * 4) {
    throw new Error(
      `Cannot resume: '${vPath}' must be ${model.params.length * 4} bytes, found ${bytes.length}`,
    );
  }
  const velocity = new Float32Array(bytes.buffer, bytes.byteOffset, model.params.length).slice();
  return {
    graph,
    recipe: meta.recipe,
    weights: { params: model.params, state: model.state, velocity },
    history: meta.history,
    epochsDone: meta.epochsDone,
  };
}
