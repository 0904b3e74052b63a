/**
 * Imported circuits: one self-contained JSON file per circuit in the user library directory
 * (default data/multipliers/imported/), holding its info and its netlist or table. A file is
 * written under a temporary name and renamed into place, so an import either adds one whole
 * file or nothing.
 */
import { Buffer } from "node:buffer";
import { characterise } from "./characterise.ts";
import { energyPerMultiplicationPj, EXACT_45NM } from "./cost.ts";
import {
  infoFromCharacterisation,
  type MultiplierInfo,
  round8,
  roundMetrics,
  tableBytes,
  tableSha256,
} from "./info.ts";
import { errorMetrics } from "./metrics.ts";
import {
  describeOperands,
  type Netlist,
  OPERAND_BITS,
  operandFields,
  type Operands,
  operandsOf,
} from "./netlist.ts";
import { NETLIST_FORMAT, netlistFromObject } from "./netlist_file.ts";
import { tableSize } from "./products.ts";
import { signedLook, signedWarning } from "./signedness.ts";
import { tableFromBytes, tableWeightBits } from "./table_file.ts";
import { verilogToNetlist } from "./verilog/elaborate.ts";
import { writeFileAtomic } from "../util/atomic_file.ts";

export const IMPORTED_FORMAT = "approxnas-imported-multiplier/1";

export interface ImportedRecord {
  info: MultiplierInfo;
  netlist?: Netlist;
  table?: Uint16Array;
}

export interface ImportOptions {
  /** Library name of the circuit (a Verilog identifier). */
  name: string;
  note?: string;
  /** Verilog: which module is the multiplier (default: the only top-level one). */
  top?: string;
  /** Tables only (they have no netlist to estimate from): published power, mW. */
  powerMw?: number;
  /** Tables only: published area, um^2. */
  areaUm2?: number;
  /**
   * Two's complement operands (true) or unsigned (false). By default a Verilog circuit is as
   * its ports are declared and a table is unsigned; one that looks signed gets a warning.
   */
  signed?: boolean;
  /** Receives warnings (a circuit that looks signed imported as unsigned). */
  onWarning?: (message: string) => void;
}

export class ImportError extends Error {}

const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Checks a proposed circuit name: a Verilog identifier (it becomes the exported module name). */
export function checkName(name: string): void {
  if (!NAME.test(name)) {
    throw new ImportError(
      `expected a name of letters, digits and '_' not starting with a digit, found '${name}'`,
    );
  }
}

function baseName(path: string): string {
  return path.split(/[\\/]/).pop() ?? path;
}

/** Reads and characterises a Verilog (.v, .sv) or table (.bin) file; writes nothing. */
export async function importFile(path: string, options: ImportOptions): Promise<ImportedRecord> {
  checkName(options.name);
  const lower = path.toLowerCase();
  const isVerilog = lower.endsWith(".v") || lower.endsWith(".sv") || lower.endsWith(".vh");
  const isTable = lower.endsWith(".bin");
  if (!isVerilog && !isTable) {
    throw new ImportError(`${path}: expected a structural Verilog file (.v) or a raw table (.bin)`);
  }
  let bytes: Uint8Array;
  try {
    bytes = await Deno.readFile(path);
  } catch (e) {
    throw new ImportError(`${path}: cannot read (${(e as Error).message})`);
  }
  const base = {
    name: options.name,
    family: "imported",
    parameters: {},
    source: "imported" as const,
  };
  if (isVerilog) {
    if (options.powerMw !== undefined || options.areaUm2 !== undefined) {
      throw new ImportError(
        `${path}: power and area of a Verilog import come from the model; --power-mw and --area-um2 are for tables`,
      );
    }
    const { module, netlist, declaredSigned } = verilogToNetlist(
      new TextDecoder().decode(bytes),
      path,
      { top: options.top, signed: options.signed },
    );
    const c = characterise(netlist);
    if (options.signed === undefined && !declaredSigned) {
      warnIfSigned(path, [module, baseName(path)], c.table, c.operands, options);
    }
    const info = infoFromCharacterisation(
      { ...base, note: options.note ?? `imported from ${baseName(path)} (module ${module})` },
      c,
      await tableSha256(c.table),
    );
    return { info, netlist };
  }
  const table = tableFromBytes(bytes, path);
  const operands = { weightBits: tableWeightBits(table), signed: options.signed === true };
  if (options.signed === undefined) warnIfSigned(path, [baseName(path)], table, operands, options);
  const { powerMw, areaUm2 } = options;
  if (powerMw === undefined || areaUm2 === undefined || !(powerMw >= 0) || !(areaUm2 >= 0)) {
    throw new ImportError(
      `${path}: a table has no netlist to estimate power and area from; give its published figures (--power-mw and --area-um2)`,
    );
  }
  const info: MultiplierInfo = {
    ...base,
    ...operands,
    note: options.note ?? `imported table ${baseName(path)} (${describeOperands(operands)})`,
    kind: "table",
    costSource: "given",
    cells: 0,
    gates: {},
    powerMw: round8(powerMw),
    relativePower: round8(powerMw / EXACT_45NM.powerMw),
    areaUm2: round8(areaUm2),
    relativeArea: round8(areaUm2 / EXACT_45NM.areaUm2),
    energyPj: round8(energyPerMultiplicationPj(powerMw)),
    metrics: roundMetrics(errorMetrics(table, operands)),
    tableSha256: await tableSha256(table),
  };
  return { info, table };
}

function warnIfSigned(
  path: string,
  names: string[],
  table: Uint16Array,
  operands: Operands,
  options: ImportOptions,
): void {
  const reason = signedLook(names, table, operands);
  if (reason) options.onWarning?.(signedWarning(path, reason));
}

/** The file text of an imported record. */
export function recordToJson(record: ImportedRecord): string {
  const { source: _source, ...info } = record.info;
  const doc: Record<string, unknown> = { format: IMPORTED_FORMAT, info };
  if (record.netlist) {
    doc.netlist = {
      format: NETLIST_FORMAT,
      name: info.name,
      ...operandFields(operandsOf(record.netlist)),
      outputs: record.netlist.outputs,
      cells: record.netlist.cells.map((c) => [c.kind, ...c.inputs]),
    };
  }
  if (record.table) {
    doc.table = Buffer.from(tableBytes(record.table)).toString("base64");
  }
  return JSON.stringify(doc) + "\n";
}

/** Parses an imported record file; errors name the file. */
export function recordFromJson(text: string, file: string): ImportedRecord {
  let doc;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    throw new ImportError(`${file}: not JSON (${(e as Error).message})`);
  }
  if (doc?.format !== IMPORTED_FORMAT) {
    throw new ImportError(
      `${file}: expected format "${IMPORTED_FORMAT}", found ${JSON.stringify(doc?.format)}`,
    );
  }
  // Files written before 8xN and signed circuits describe unsigned 8x8 ones.
  const info = {
    weightBits: OPERAND_BITS,
    signed: false,
    ...doc.info,
    source: "imported",
  } as MultiplierInfo;
  if (
    typeof info.name !== "string" || typeof info.tableSha256 !== "string" ||
    typeof info.metrics !== "object"
  ) {
    throw new ImportError(`${file}: expected an "info" object with name, metrics and tableSha256`);
  }
  if (info.kind === "netlist") {
    const netlist = netlistFromObject(doc.netlist, file).netlist;
    const ops = operandsOf(netlist);
    if (ops.weightBits !== info.weightBits || ops.signed !== info.signed) {
      throw new ImportError(
        `${file}: info says ${describeOperands(info)}, but the netlist is ${describeOperands(ops)}`,
      );
    }
    return { info, netlist };
  }
  if (info.kind === "table" && typeof doc.table === "string") {
    const table = tableFromBytes(new Uint8Array(Buffer.from(doc.table, "base64")), file);
    if (table.length !== tableSize(info.weightBits)) {
      throw new ImportError(
        `${file}: info says 8x${info.weightBits}, but the table holds ${table.length} products`,
      );
    }
    return { info, table };
  }
  throw new ImportError(`${file}: expected a netlist or a base64 table`);
}

/** Writes a record as DIR/NAME.json, atomically; refuses to replace an existing file. */
export async function writeRecord(dir: string, record: ImportedRecord): Promise<string> {
  await Deno.mkdir(dir, { recursive: true });
  const path = `${dir}/${record.info.name}.json`;
  try {
    await writeFileAtomic(path, recordToJson(record), { replace: false });
  } catch (e) {
    if (!(e instanceof Deno.errors.AlreadyExists)) throw e;
    throw new ImportError(
      `${path} already exists: a circuit named '${record.info.name}' was imported before`,
    );
  }
  return path;
}

/** Every record in DIR (none when it does not exist), sorted by name. */
export async function readRecords(dir: string): Promise<ImportedRecord[]> {
  const names: string[] = [];
  try {
    for await (const e of Deno.readDir(dir)) {
      if (e.isFile && e.name.endsWith(".json") && !e.name.startsWith(".")) names.push(e.name);
    }
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return [];
    throw e;
  }
  names.sort();
  const records: ImportedRecord[] = [];
  for (const n of names) {
    const path = `${dir}/${n}`;
    const record = recordFromJson(await Deno.readTextFile(path), path);
    if (`${record.info.name}.json` !== n) {
      throw new ImportError(
        `${path}: holds circuit '${record.info.name}', expected '${n.slice(0, -5)}'`,
      );
    }
    records.push(record);
  }
  return records;
}
