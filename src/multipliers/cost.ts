/**
 * Area and power MODEL of a netlist (an estimate, not a synthesis result).
 *
 * Area: sum of cell areas in NAND2 equivalents (relative sizes of typical 45 nm standard
 * cells).
 *
 * Dynamic energy per multiplication, in units of one NAND2 output toggle: for every wire,
 * its toggle probability (2 p (1 - p) from exhaustive simulation, see simulate.ts) times
 * (the driving cell's internal energy for that output + PIN_ENERGY per cell input it feeds).
 * Operand bits toggle with probability 1/2 and cost only their pin loads. Glitches and
 * leakage are not modelled.
 *
 * Both figures are divided by those of the exact array multiplier and scaled to the
 * published figures of an exact 8x8 unsigned multiplier synthesised in 45 nm (0.391 mW,
 * 709.6 um^2, 1.43 ns). Energy per multiplication = power x 1.43 ns, so it is proportional
 * to power.
 */
import { CELL_SHAPE, type CellKind, firstOutputs, type Netlist, wireCount } from "./netlist.ts";
import { toggleProbability } from "./simulate.ts";

/** Cell areas in NAND2 equivalents. */
export const CELL_AREA: Readonly<Record<CellKind, number>> = {
  BUF: 1,
  NOT: 0.67,
  AND2: 1.33,
  OR2: 1.33,
  XOR2: 2,
  NAND2: 1,
  NOR2: 1,
  XNOR2: 2,
  MUX2: 2.33,
  HA: 3.33,
  FA: 5.33,
};

/**
 * Internal energy of one toggle of each cell output, in NAND2-toggle units (HA and FA:
 * [sum, carry]; the sum of a full adder goes through two XOR stages).
 */
export const CELL_ENERGY: Readonly<Record<CellKind, readonly number[]>> = {
  BUF: [0.8],
  NOT: [0.5],
  AND2: [1.3],
  OR2: [1.3],
  XOR2: [2],
  NAND2: [1],
  NOR2: [1],
  XNOR2: [2],
  MUX2: [2],
  HA: [2, 1.3],
  FA: [3.4, 2],
};

/** Energy of charging one cell input pin, per toggle of the wire that feeds it. */
export const PIN_ENERGY = 0.35;

/** The published exact 8x8 unsigned multiplier (45 nm) the model is anchored to. */
export const EXACT_45NM = { powerMw: 0.391, areaUm2: 709.6, delayNs: 1.43 } as const;

export interface ModelCost {
  /** Area in NAND2 equivalents. */
  areaNand2: number;
  /** Expected switching energy per multiplication, NAND2-toggle units. */
  energy: number;
}

/** Model area and energy of a netlist, given its wires' signal probabilities (simulate().ones). */
export function modelCost(netlist: Netlist, ones: Float64Array): ModelCost {
  const count = wireCount(netlist);
  if (ones.length !== count) {
    throw new Error(`modelCost: ${ones.length} signal probabilities for ${count} wires`);
  }
  const fanout = new Float64Array(count);
  for (const cell of netlist.cells) for (const w of cell.inputs) fanout[w]++;
  let energy = 0;
  // Constants never toggle; operand bits and cell outputs charge the pins they feed.
  for (let w = 2; w < count; w++) energy += toggleProbability(ones[w]) * fanout[w] * PIN_ENERGY;
  let areaNand2 = 0;
  const first = firstOutputs(netlist);
  netlist.cells.forEach((cell, i) => {
    areaNand2 += CELL_AREA[cell.kind];
    for (let k = 0; k < CELL_SHAPE[cell.kind].outputs; k++) {
      energy += toggleProbability(ones[first[i] + k]) * CELL_ENERGY[cell.kind][k];
    }
  });
  return { areaNand2, energy };
}

export interface AbsoluteCost {
  relativePower: number;
  relativeArea: number;
  powerMw: number;
  areaUm2: number;
  /** Energy per multiplication = power x the exact multiplier's delay, pJ. */
  energyPj: number;
}

/** Scales a model cost to the 45 nm anchor through the exact multiplier's model cost. */
export function absoluteCost(cost: ModelCost, exact: ModelCost): AbsoluteCost {
  const relativePower = cost.energy / exact.energy;
  const relativeArea = cost.areaNand2 / exact.areaNand2;
  const powerMw = relativePower * EXACT_45NM.powerMw;
  return {
    relativePower,
    relativeArea,
    powerMw,
    areaUm2: relativeArea * EXACT_45NM.areaUm2,
    energyPj: energyPerMultiplicationPj(powerMw),
  };
}

/** mW x ns = pJ: the energy of one multiplication at the exact multiplier's delay period. */
export function energyPerMultiplicationPj(powerMw: number): number {
  return powerMw * EXACT_45NM.delayNs;
}
