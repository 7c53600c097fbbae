import { createHash } from "crypto";
import * as os from "os";
import { Measurement, median, PROGRAM_KINDS, ProgramFigures, ProgramKind } from "./measurement";

// `npm run bench -- --save <file>` keeps what a run measured, every process's rounds included; `--judge <files…>`
// judges saved runs together (main.ts). A process's rounds are closer to one another than to another process's
// (docs/benchmark.md, How sure a run is), so evidence from several runs is judged with the process as the unit: each
// process's median of rounds is one value (processMedians). Processes of one run share its machine, so given enough
// runs the run is the unit instead (runMedian; evidence.ts chooses).

/** Bumped when a saved run's meaning changes, so that old files are refused rather than misread. */
export const SAVED_RUN_FORMAT = 1;

/** Where a run was measured: listed beside the verdicts, since runs on other machines differ. */
export interface Machine {
    node: string;
    cpus: number;
    cpuModel: string;
    kernel: string;
}

export function thisMachine(): Machine {
    const cpus = os.cpus();
    return { node: process.version, cpus: cpus.length, cpuModel: cpus[0]?.model ?? "unknown", kernel: os.release() };
}

/** One row of a run: a scenario, a kind of destination and a count, and what each of its processes measured. */
export interface SavedRow {
    scenario: string;
    kind: string;
    destinations: number;
    processes: Measurement[];
}

export interface StartUp {
    /** Pulumi.yaml's nodeargs, which make the configured start-up what it is. */
    configuredNodeArgs: string[];
    /** The loader it is compared with: ts-node with type-checking. */
    typeCheckingNodeArgs: string[];
    /** The stack as Pulumi.yaml configures it: median wall ms of a whole process. */
    configuredMs: number;
    /** The same under ts-node with type-checking. */
    typeCheckingMs: number;
}

export interface SavedRun {
    format: number;
    /** ISO time the run finished. */
    savedAt: string;
    /** How long rows ran: "default", "--precise" or "BENCH_ROUNDS=n". */
    mode: string;
    machine: Machine;
    rows: SavedRow[];
    startUp: StartUp;
}

/** The digests of what a run's processes measured (measuredCode.ts): one, unless files were edited during the run. */
export function measuredCodes(rows: SavedRow[]): string[] {
    return [...new Set(rows.flatMap((row) => row.processes.map((m) => m.measuredCode)))];
}

/** A run just measured, as --save writes it; refused when its processes measured different code. */
export function savedRun(mode: string, rows: SavedRow[], startUp: StartUp): SavedRun {
    const codes = measuredCodes(rows);
    if (codes.length !== 1) throw new Error(`the run's processes measured different code (${codes.join(", ")}): files changed during the run`);
    return { format: SAVED_RUN_FORMAT, savedAt: new Date().toISOString(), mode, machine: thisMachine(), rows, startUp };
}

/** Each process's median of its rounds' component ÷ direct: one value each, when saved runs are judged by process. */
export function processMedians(processes: Measurement[]): number[] {
    return processes.map((m) => median(m.componentToDirectByRound));
}

/** A run's one value for a row: the median of its processes' medians. */
export function runMedian(processes: Measurement[]): number {
    return median(processMedians(processes));
}

/** A saved run read back, checked field by field, so that a hand-edited or truncated file is refused by name rather than misread. */
export function parseSavedRun(text: string, source: string): SavedRun {
    const fail = (what: string): never => { throw new Error(`${source} is not a saved benchmark run: ${what}`); };
    let run: SavedRun;
    try {
        run = JSON.parse(text);
    } catch (error) {
        return fail(`not JSON (${(error as Error).message})`);
    }
    if (run?.format !== SAVED_RUN_FORMAT) fail(`its format is ${JSON.stringify(run?.format)}, not ${SAVED_RUN_FORMAT}`);
    // Ratios and times are divided and multiplied: they must be positive numbers.
    const isPositive = (value: unknown) => typeof value === "number" && Number.isFinite(value) && value > 0;
    const isCount = (value: unknown) => Number.isInteger(value) && (value as number) >= 0;
    const isStrings = (value: unknown) => Array.isArray(value) && value.every((v) => typeof v === "string");
    if (typeof run.savedAt !== "string" || typeof run.mode !== "string") fail("savedAt or mode is missing");
    if (typeof run.machine?.node !== "string" || typeof run.machine.cpuModel !== "string" || typeof run.machine.kernel !== "string" || !isCount(run.machine.cpus)) {
        fail("machine is incomplete");
    }
    const { startUp } = run;
    if (!isPositive(startUp?.configuredMs) || !isPositive(startUp?.typeCheckingMs) || !isStrings(startUp?.configuredNodeArgs) || !isStrings(startUp?.typeCheckingNodeArgs)) {
        fail("startUp is incomplete");
    }
    if (!Array.isArray(run.rows) || run.rows.length === 0) fail("it has no rows");
    const rowsSeen = new Set<string>();
    for (const row of run.rows) {
        const at = `row ${row?.scenario}, ${row?.destinations} ${row?.kind}`;
        if (typeof row?.scenario !== "string" || typeof row.kind !== "string" || !Number.isInteger(row.destinations)) fail(`${at} lacks its scenario, kind or count`);
        // A run measures each row once; a row twice would count the run twice in it (evidence.ts).
        if (rowsSeen.has(at)) fail(`${at} is there twice`);
        rowsSeen.add(at);
        if (!Array.isArray(row.processes) || row.processes.length === 0) fail(`${at} has no processes`);
        for (const m of row.processes) {
            const ratios = m?.componentToDirectByRound;
            if (!Array.isArray(ratios) || ratios.length === 0 || !ratios.every(isPositive) || m.rounds !== ratios.length) fail(`${at} has a process without its rounds`);
            if (typeof m.measuredCode !== "string") fail(`${at} has a process without measuredCode`);
            if (!isPositive(m.componentToBare)) fail(`${at} has a process without componentToBare`);
            const complete = (f: ProgramFigures | undefined) => isCount(f?.resources) && isPositive(f?.wallMs) && isCount(f?.evaluations) && typeof f?.gcMs === "number" && f.gcMs >= 0;
            if (!PROGRAM_KINDS.every((kind) => complete(m.figures?.[kind]))) fail(`${at} has a process without its figures`);
        }
    }
    return run;
}

/** One run's part of a row: the processes it measured, named by the file it was read from. */
export interface RunOfRow {
    source: string;
    processes: Measurement[];
}

/** Saved runs as one body of evidence: each row's processes from every run that has the row. */
export interface CombinedRuns {
    rows: SavedRow[];
    /** Each row's runs, in run order, with the processes each contributed: whether runs agree, and each run's own value. */
    runsOf(row: SavedRow): RunOfRow[];
    /** The median of the runs' start-up ratios, each run's configured time over its type-checking time. */
    startUpRatio: number;
    startUp: StartUp;
    measuredCode: string;
    node: string;
}

/**
 * Runs judged together must have measured the same code (measuredCode.ts) under the same Node.js, whose V8 decides
 * what an evaluation costs, and started the stack the same way; they may come from different machines, which the
 * report lists. The same run given twice is refused: it would count its processes twice. Rows keep the first run's
 * order, with rows only later runs have after them; the runs given are left as they are.
 */
export function combineRuns(runs: { source: string; run: SavedRun }[]): CombinedRuns {
    if (runs.length === 0) throw new Error("--judge needs at least one saved run");
    const seen = new Map<string, string>();
    for (const { source, run } of runs) {
        const digest = createHash("sha256").update(JSON.stringify(run)).digest("hex");
        const earlier = seen.get(digest);
        if (earlier !== undefined) throw new Error(`${source} is the same run as ${earlier}: its processes would count twice`);
        seen.set(digest, source);
    }
    const codes = new Set(runs.flatMap(({ run }) => measuredCodes(run.rows)));
    if (codes.size !== 1) {
        const byRun = runs.map(({ source, run }) => `${source}: ${measuredCodes(run.rows).join(", ")}`);
        throw new Error(`saved runs measured different code, so they cannot be judged together (${byRun.join("; ")})`);
    }
    const nodes = new Set(runs.map(({ run }) => run.machine.node));
    if (nodes.size !== 1) throw new Error(`saved runs ran under different Node.js versions (${[...nodes].join(", ")}), so they cannot be judged together`);
    const loaders = new Set(runs.map(({ run }) => `${run.startUp.configuredNodeArgs.join(" ")} against ${run.startUp.typeCheckingNodeArgs.join(" ")}`));
    if (loaders.size !== 1) throw new Error(`saved runs measured start-up with different nodeargs (${[...loaders].join("; ")}), so they cannot be judged together`);
    const key = (row: SavedRow) => `${row.scenario}\0${row.kind}\0${row.destinations}`;
    const byRun = new Map<string, RunOfRow[]>();
    const rows = new Map<string, SavedRow>();
    for (const { source, run } of runs) {
        for (const row of run.rows) {
            byRun.set(key(row), [...(byRun.get(key(row)) ?? []), { source, processes: row.processes }]);
            rows.set(key(row), { ...row, processes: [...(rows.get(key(row))?.processes ?? []), ...row.processes] });
        }
    }
    const [first] = runs;
    return {
        rows: [...rows.values()],
        runsOf: (row) => byRun.get(key(row)) ?? [],
        startUpRatio: median(runs.map(({ run }) => run.startUp.configuredMs / run.startUp.typeCheckingMs)),
        startUp: {
            ...first.run.startUp,
            configuredMs: median(runs.map(({ run }) => run.startUp.configuredMs)),
            typeCheckingMs: median(runs.map(({ run }) => run.startUp.typeCheckingMs)),
        },
        measuredCode: [...codes][0],
        node: first.run.machine.node,
    };
}

/** A row's processes as one, for its figures (what each process measured stays with the process: measuredCode). */
export type PooledMeasurement = Omit<Measurement, "measuredCode">;

/**
 * One row's measurements from several processes as one: every round's component ÷ direct (so their median's interval
 * takes in how processes differ as well as how rounds do); rounds and evaluations summed; each other figure and
 * component ÷ bare the median of the processes'.
 */
export function pooled(measurements: Measurement[]): PooledMeasurement {
    if (measurements.length === 0) throw new Error("nothing to pool");
    const middle = (value: (m: Measurement) => number) => median(measurements.map(value));
    const figures = Object.fromEntries(PROGRAM_KINDS.map((kind): [ProgramKind, ProgramFigures] => {
        const resources = new Set(measurements.map((m) => m.figures[kind].resources));
        if (resources.size !== 1) throw new Error(`${kind} registered ${[...resources].join(" then ")} resources in different processes`);
        return [kind, {
            resources: measurements[0].figures[kind].resources,
            wallMs: middle((m) => m.figures[kind].wallMs),
            gcMs: middle((m) => m.figures[kind].gcMs),
            evaluations: measurements.reduce((sum, m) => sum + m.figures[kind].evaluations, 0),
        }];
    })) as Measurement["figures"];
    return {
        figures,
        componentToBare: middle((m) => m.componentToBare),
        componentToDirectByRound: measurements.flatMap((m) => m.componentToDirectByRound),
        rounds: measurements.reduce((sum, m) => sum + m.rounds, 0),
    };
}
