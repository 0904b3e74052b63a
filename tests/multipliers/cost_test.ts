import assert from "node:assert/strict";
import { NetlistBuilder } from "../../src/multipliers/builder.ts";
import { characterise, exactModelCost } from "../../src/multipliers/characterise.ts";
import {
  absoluteCost,
  CELL_AREA,
  CELL_ENERGY,
  EXACT_45NM,
  modelCost,
  PIN_ENERGY,
} from "../../src/multipliers/cost.ts";
import { exactArray, truncated } from "../../src/multipliers/generators/families.ts";
import { wireA, wireB } from "../../src/multipliers/netlist.ts";
import { simulate } from "../../src/multipliers/simulate.ts";

function assertNear(actual: number, expected: number, label: string): void {
  assert.ok(
    Math.abs(actual - expected) <= 1e-9 * Math.max(1, Math.abs(expected)),
    `${label}: ${actual}, expected ${expected}`,
  );
}

Deno.test("cost model: hand-computed area and energy of a two-cell netlist", () => {
  // O0 = A0 & B0 (p = 1/4), O1 = NOT(A0 & B0) (p = 3/4).
  const b = new NetlistBuilder();
  const p = b.and(wireA(0), wireB(0));
  const n = b.build([p, b.not(p)]);
  const cost = modelCost(n, simulate(n).ones);
  assertNear(cost.areaNand2, CELL_AREA.AND2 + CELL_AREA.NOT, "area");
  const toggle = (q: number) => 2 * q * (1 - q);
  const expected =
    // A0 and B0 each feed one pin and toggle half the time.
    2 * toggle(0.5) * PIN_ENERGY +
    // The AND output toggles 2 (1/4)(3/4) = 3/8 and feeds the NOT's pin.
    toggle(0.25) * (CELL_ENERGY.AND2[0] + PIN_ENERGY) +
    toggle(0.75) * CELL_ENERGY.NOT[0];
  assertNear(cost.energy, expected, "energy");
});

Deno.test("cost model: the exact multiplier is the anchor (0.391 mW, 709.6 um^2, 1.43 ns)", () => {
  const c = characterise(exactArray());
  assertNear(c.relativePower, 1, "relative power");
  assertNear(c.powerMw, EXACT_45NM.powerMw, "power");
  assertNear(c.areaUm2, EXACT_45NM.areaUm2, "area");
  assertNear(c.energyPj, 0.391 * 1.43, "energy per multiplication");
  const area = 64 * CELL_AREA.AND2 + 48 * CELL_AREA.FA + 8 * CELL_AREA.HA;
  assertNear(exactModelCost().areaNand2, area, "NAND2 equivalents");
});

Deno.test("cost model: energy is proportional to power; removing logic lowers both", () => {
  let previous = characterise(exactArray());
  for (const k of [2, 5, 8, 11]) {
    const c = characterise(truncated(k));
    assertNear(c.energyPj / c.powerMw, EXACT_45NM.delayNs, `trunc ${k}: energy / power`);
    assert.ok(
      c.powerMw < previous.powerMw && c.areaUm2 < previous.areaUm2,
      `trunc ${k} is cheaper`,
    );
    const abs = absoluteCost(c.model, exactModelCost());
    assertNear(abs.powerMw, c.relativePower * 0.391, `trunc ${k}: anchored power`);
    previous = c;
  }
});
