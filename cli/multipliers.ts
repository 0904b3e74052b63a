/**
 * The multiplier library from the command line.
 *
 * @example
 * ```sh
 * deno task multipliers list --sort power
 * deno task multipliers show mul8u_trunc6
 * deno task multipliers list --weight-bits 4 --signed      # the 8x4 two's complement ones
 * deno task multipliers import my_mul.v --name my_mul      # add --signed for int8 operands
 * deno task multipliers import table.bin --name t1 --power-mw 0.21 --area-um2 350
 * deno task multipliers export mul8u_bam_h2v8 --out bam.v      # or --out table.bin
 * deno task multipliers chart --out runs/charts
 * ```
 * Every command takes `--library DIR`, the directory of imported circuits
 * (default data/multipliers/imported).
 */
import { intFlag, parseFlags, runMain, UsageError } from "../src/cli/args.ts";
import { chartsAvailable, renderScatterPng } from "../src/charts/render.ts";
import { libraryCharts } from "../src/multipliers/charts.ts";
import type { MultiplierInfo } from "../src/multipliers/info.ts";
import { describeOperands } from "../src/multipliers/netlist.ts";
import { openLibrary } from "../src/multipliers/library.ts";
import { writeTableFile } from "../src/multipliers/table_file.ts";
import { netlistToVerilog } from "../src/multipliers/verilog/export.ts";

const COMMANDS = `Usage: deno task multipliers COMMAND [options]

Commands:
  list                      the library: name, power, area, MAE%, WCE%, EP%, MRE%
  show NAME                 one circuit: note, cells, cost and every metric
  import FILE --name NAME   add a structural Verilog (.v) or raw table (.bin) circuit,
                            8x8 or 8xN, unsigned or (--signed) two's complement
  export NAME --out FILE    write a circuit as structural Verilog (.v) or its table (.bin)
  chart --out DIR           power-vs-MAE% and power-vs-WCE% charts (PNG)

Power, area and energy are model estimates (docs/multipliers.md). Run a command with --help
for its options.

Example: deno task multipliers list --sort power

Options:
  --help, -h                   show this help`;

const LIBRARY_FLAG = {
  library: {
    type: "string",
    value: "DIR",
    help: "directory of imported circuits",
    defaultText: "data/multipliers/imported",
  },
} as const;

const SORT_KEYS: Record<string, (m: MultiplierInfo) => number | string> = {
  name: (m) => m.name,
  power: (m) => m.powerMw,
  area: (m) => m.areaUm2,
  energy: (m) => m.energyPj,
  // Per cent of the output range, so 8x8 and 8xN circuits sort together.
  mae: (m) => m.metrics.maePct,
  wce: (m) => m.metrics.wcePct,
  ep: (m) => m.metrics.ep,
  mre: (m) => m.metrics.mre,
  mse: (m) => m.metrics.mse,
};

type Print = (line: string) => void;

/** Fixed-width text table; numbers right-aligned. */
export function formatTable(header: string[], rows: (string | number)[][]): string[] {
  const cells = rows.map((r) => r.map(String));
  const widths = header.map((h, k) => Math.max(h.length, ...cells.map((r) => r[k].length)));
  const right = header.map((_, k) =>
    rows.every((r) => typeof r[k] === "number" || /^[\d.]+$/.test(String(r[k])))
  );
  const line = (r: string[]) =>
    r.map((c, k) => (right[k] ? c.padStart(widths[k]) : c.padEnd(widths[k]))).join("  ").trimEnd();
  return [line(header), line(widths.map((w) => "-".repeat(w))), ...cells.map(line)];
}

const fixed = (x: number, digits: number) => x.toFixed(digits);

async function list(args: string[], print: Print): Promise<void> {
  const flags = parseFlags(
    args,
    {
      sort: { type: "string", value: "KEY", help: `sort by ${Object.keys(SORT_KEYS).join(", ")}` },
      desc: { type: "boolean", help: "largest first" },
      family: {
        type: "string",
        value: "NAME",
        help: "only this family (exact, truncated, broken-array, ...)",
      },
      "weight-bits": {
        type: "string",
        value: "N",
        help: "only 8xN circuits of this N (8 for 8x8)",
      },
      signed: { type: "boolean", help: "only two's complement circuits" },
      unsigned: { type: "boolean", help: "only unsigned circuits" },
      json: { type: "boolean", help: "print the infos as JSON" },
      ...LIBRARY_FLAG,
    },
    "Usage: deno task multipliers list [options]\n\nExample: deno task multipliers list --sort power",
  );
  let infos = await openLibrary({ importedDir: flags.library as string | undefined }).list();
  if (flags.family !== undefined) {
    infos = infos.filter((m) => m.family === flags.family);
    if (!infos.length) throw new UsageError(`--family: no circuit of family '${flags.family}'`);
  }
  if (flags["weight-bits"] !== undefined) {
    const n = intFlag("weight-bits", flags["weight-bits"], 2);
    infos = infos.filter((m) => m.weightBits === n);
    if (!infos.length) throw new UsageError(`--weight-bits: no 8x${n} circuit`);
  }
  const signed = signednessFlag(flags.signed, flags.unsigned);
  if (signed !== undefined) infos = infos.filter((m) => m.signed === signed);
  if (flags.sort !== undefined) {
    const key = SORT_KEYS[flags.sort as string];
    if (!key) {
      throw new UsageError(
        `--sort expects one of ${Object.keys(SORT_KEYS).join(", ")}, found '${flags.sort}'`,
      );
    }
    const sign = flags.desc ? -1 : 1;
    infos = [...infos].sort((a, b) => {
      const x = key(a), y = key(b);
      return sign * (typeof x === "string" ? x.localeCompare(y as string) : x - (y as number)) ||
        a.name.localeCompare(b.name);
    });
  } else if (flags.desc) {
    infos.reverse();
  }
  if (flags.json) {
    print(JSON.stringify(infos, null, 2));
    return;
  }
  const header = [
    "name",
    "power mW",
    "rel.power",
    "area um2",
    "energy pJ",
    "MAE%",
    "WCE%",
    "EP%",
    "MRE%",
  ];
  const rows = infos.map((m) => [
    m.name,
    fixed(m.powerMw, 4),
    fixed(m.relativePower, 3),
    fixed(m.areaUm2, 1),
    fixed(m.energyPj, 4),
    fixed(m.metrics.maePct, 4),
    fixed(m.metrics.wcePct, 3),
    fixed(m.metrics.epPct, 2),
    fixed(m.metrics.mrePct, 3),
  ]);
  for (const l of formatTable(header, rows)) print(l);
  print(
    `${infos.length} circuits; power, area and energy are model estimates (docs/multipliers.md)`,
  );
}

/** --signed / --unsigned: true, false, or undefined for neither; both is an error. */
function signednessFlag(
  signed: string | boolean | undefined,
  unsigned: string | boolean | undefined,
): boolean | undefined {
  if (signed && unsigned) {
    throw new UsageError("--signed and --unsigned contradict each other: give one of them");
  }
  return signed ? true : unsigned ? false : undefined;
}

/** The first argument as a positional, or a usage error naming what is missing. */
function positional(args: string[], what: string, usage: string): [string, string[]] {
  if (args.length === 0 || args[0].startsWith("-")) {
    if (args.includes("--help") || args.includes("-h")) return ["", args];
    throw new UsageError(
      `expected ${what}, found ${args.length ? `'${args[0]}'` : "nothing"}\n\n${usage}`,
    );
  }
  return [args[0], args.slice(1)];
}

async function show(args: string[], print: Print): Promise<void> {
  const usage = "Usage: deno task multipliers show NAME [options]\n\n" +
    "Example: deno task multipliers show mul8u_trunc6";
  const [name, rest] = positional(args, "a circuit name", usage);
  const flags = parseFlags(rest, { ...LIBRARY_FLAG }, usage);
  const m = await openLibrary({ importedDir: flags.library as string | undefined }).get(name);
  print(`${m.name} (${m.family}, ${m.source}): ${m.note}`);
  print(
    `operands: ${describeOperands(m)} (A 8 bits, B ${m.weightBits} bits; table 256 x ${
      2 ** m.weightBits
    }, index a * ${2 ** m.weightBits} + b)`,
  );
  if (Object.keys(m.parameters).length) print(`parameters: ${JSON.stringify(m.parameters)}`);
  print(
    m.kind === "netlist"
      ? `cells: ${m.cells} ${JSON.stringify(m.gates)}`
      : "table only (no netlist)",
  );
  const how = m.costSource === "model" ? "model estimate" : "given at import";
  print(`power ${fixed(m.powerMw, 4)} mW (${fixed(m.relativePower * 100, 1)}% of exact, ${how})`);
  print(
    `area ${fixed(m.areaUm2, 1)} um^2 (${fixed(m.relativeArea * 100, 1)}% of exact), energy ${
      fixed(m.energyPj, 4)
    } pJ per multiplication`,
  );
  const e = m.metrics;
  print(`MAE ${e.mae} (${e.maePct}%), WCE ${e.wce} (${e.wcePct}%), MSE ${e.mse}`);
  print(`EP ${e.ep} (${e.epPct}%), MRE ${e.mre} (${e.mrePct}%)`);
  print(`table sha256 ${m.tableSha256}`);
}

async function importCommand(args: string[], print: Print): Promise<void> {
  const usage = "Usage: deno task multipliers import FILE --name NAME [options]\n\n" +
    "Example: deno task multipliers import table.bin --name t1 --power-mw 0.21 --area-um2 350";
  const [file, rest] = positional(args, "a .v or .bin file", usage);
  const flags = parseFlags(rest, {
    name: { type: "string", value: "NAME", help: "library name (letters, digits, _)" },
    note: { type: "string", value: "TEXT", help: "one line on where the circuit comes from" },
    top: {
      type: "string",
      value: "NAME",
      help: "Verilog: the multiplier's module when the file has several top-level ones",
    },
    signed: {
      type: "boolean",
      help:
        "two's complement operands (default: as the Verilog ports are declared; tables unsigned)",
    },
    unsigned: { type: "boolean", help: "unsigned operands, even if the circuit looks signed" },
    "power-mw": {
      type: "string",
      value: "X",
      help: ".bin tables: the circuit's published power, mW",
    },
    "area-um2": {
      type: "string",
      value: "X",
      help: ".bin tables: the circuit's published area, um^2",
    },
    ...LIBRARY_FLAG,
  }, usage);
  if (typeof flags.name !== "string") throw new UsageError(`--name is required\n\n${usage}`);
  const number = (flag: string) => {
    const v = flags[flag as keyof typeof flags];
    if (v === undefined) return undefined;
    const n = Number(v);
    if (typeof v !== "string" || !Number.isFinite(n) || n < 0) {
      throw new UsageError(`--${flag} expects a number >= 0, found '${v}'`);
    }
    return n;
  };
  const lib = openLibrary({ importedDir: flags.library as string | undefined });
  const info = await lib.import(file, {
    name: flags.name,
    note: flags.note as string | undefined,
    top: flags.top as string | undefined,
    powerMw: number("power-mw"),
    areaUm2: number("area-um2"),
    signed: signednessFlag(flags.signed, flags.unsigned),
    onWarning: (message) => print(`warning: ${message}`),
  });
  print(`imported ${info.name} into ${lib.importedDir}: ${info.note}`);
  print(`operands: ${describeOperands(info)}`);
  print(
    `power ${fixed(info.powerMw, 4)} mW (${
      info.costSource === "model" ? "model estimate" : "given"
    }), ` +
      `MAE ${fixed(info.metrics.maePct, 4)}%, WCE ${fixed(info.metrics.wcePct, 3)}%, ` +
      `EP ${fixed(info.metrics.epPct, 2)}%, MRE ${fixed(info.metrics.mrePct, 3)}%`,
  );
}

async function exportCommand(args: string[], print: Print): Promise<void> {
  const usage = "Usage: deno task multipliers export NAME --out FILE [options]\n\n" +
    "Example: deno task multipliers export mul8u_bam_h2v8 --out bam.v";
  const [name, rest] = positional(args, "a circuit name", usage);
  const flags = parseFlags(rest, {
    out: {
      type: "string",
      value: "FILE",
      help: "output file: .v for structural Verilog, .bin for the table",
    },
    ...LIBRARY_FLAG,
  }, usage);
  const out = flags.out;
  if (typeof out !== "string" || !/\.(v|bin)$/i.test(out)) {
    throw new UsageError(`--out expects a .v or .bin file name, found '${out ?? ""}'\n\n${usage}`);
  }
  const lib = openLibrary({ importedDir: flags.library as string | undefined });
  const info = await lib.get(name);
  if (out.toLowerCase().endsWith(".bin")) {
    await writeTableFile(out, await lib.table(name));
  } else {
    const comment = `${info.name}: ${info.note}\n` +
      `${describeOperands(info)} multiplier exported by approxnas; MAE ${
        info.metrics.maePct.toFixed(4)
      }%, ` +
      `WCE ${info.metrics.wcePct.toFixed(3)}%, model power ${info.powerMw.toFixed(4)} mW`;
    await Deno.writeTextFile(out, netlistToVerilog(info.name, await lib.netlist(name), comment));
  }
  print(`wrote ${out}`);
}

async function chart(args: string[], print: Print): Promise<void> {
  const flags = parseFlags(
    args,
    {
      out: { type: "string", value: "DIR", help: "directory for the PNG files" },
      ...LIBRARY_FLAG,
    },
    "Usage: deno task multipliers chart --out DIR [options]\n\nExample: deno task multipliers chart --out runs/charts",
  );
  if (typeof flags.out !== "string") throw new UsageError("--out DIR is required");
  const available = await chartsAvailable();
  if (available !== true) {
    throw new Error(
      `${available}\n(see docs/multipliers.md: Deno needs --allow-ffi for @napi-rs/canvas)`,
    );
  }
  const infos = await openLibrary({ importedDir: flags.library as string | undefined }).list();
  await Deno.mkdir(flags.out, { recursive: true });
  for (const { file, spec } of libraryCharts(infos)) {
    const path = `${flags.out}/${file}`;
    await Deno.writeFile(path, await renderScatterPng(spec));
    print(`wrote ${path}`);
  }
}

const HANDLERS: Record<string, (args: string[], print: Print) => Promise<void>> = {
  list,
  show,
  import: importCommand,
  export: exportCommand,
  chart,
};

/** Runs one command; output lines go to `print`. */
export async function runMultipliersCli(argv: string[], print: Print = console.log): Promise<void> {
  const [command, ...rest] = argv;
  if (command === undefined || command === "--help" || command === "-h" || command === "help") {
    print(COMMANDS);
    return;
  }
  const handler = HANDLERS[command];
  if (!handler) throw new UsageError(`unknown command '${command}'\n\n${COMMANDS}`);
  await handler(rest, print);
}

if (import.meta.main) await runMain(() => runMultipliersCli(Deno.args));
