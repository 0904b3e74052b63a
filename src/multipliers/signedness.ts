/**
 * Telling a two's complement multiplier imported as unsigned: its name says so (mul8s_...,
 * "signed", Baugh-Wooley, Booth), or its table, read as int8 x int8 -> int16, is much closer
 * to the exact products than read as unsigned. The importer then warns and says how to choose;
 * it never switches the interpretation by itself.
 */
import { errorMetrics } from "./metrics.ts";
import type { Operands } from "./netlist.ts";

const SIGNED_NAME = /(^|[^a-z])mul\d+(x\d+)?s(_|$)|signed|twos|baugh|booth/i;

/** How much closer the signed reading must be (MAE) before the table alone warns. */
const CLOSER = 4;

/**
 * Why a circuit imported as unsigned looks signed, or undefined when it does not: `names` are
 * the module and file names, `table` its products under the unsigned `operands`.
 */
export function signedLook(
  names: string[],
  table: Uint16Array,
  operands: Operands,
): string | undefined {
  const reasons: string[] = [];
  const named = names.find((n) => SIGNED_NAME.test(n));
  if (named) reasons.push(`its name '${named}' suggests signed operands`);
  const unsigned = errorMetrics(table, operands);
  const signed = errorMetrics(table, { ...operands, signed: true });
  const figures = `MAE ${unsigned.maePct.toFixed(2)}% read as unsigned, ${
    signed.maePct.toFixed(2)
  }% read as two's complement`;
  if (signed.mae * CLOSER < unsigned.mae) reasons.push(`its table reads as signed (${figures})`);
  else if (reasons.length) reasons.push(`(${figures})`);
  return reasons.length ? reasons.join(" ") : undefined;
}

/** The warning for a circuit that looks signed, naming the options that choose. */
export function signedWarning(file: string, reason: string): string {
  return `${file}: imported as unsigned, but ${reason}; give --signed (signed: true) to ` +
    `import it as a two's complement multiplier, or --unsigned (signed: false) to keep it ` +
    `unsigned without this warning`;
}
