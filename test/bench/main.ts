import { spawnSync } from "child_process";
import { accessSync, constants, existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from "fs";
import * as path from "path";
import { stackConfig } from "../support/devStack";
import { REPO_ROOT } from "../support/repoPaths";
import { stackStartup } from "../support/pulumiProject";
import { evaluationArguments, Measurement, median, RoundPlan } from "./measurement";
import { benchOptions, destinationCounts } from "./options";
import { roundsEvidence, savedRunsEvidence } from "./evidence";
import { printFigures, printResourceTypes, printStartUp, printTargets } from "./report";
import { combineRuns, parseSavedRun, SavedRow, savedRun, StartUp } from "./savedRuns";
import { FEWEST_FOR_VERDICT } from "./targets";
import { MAX_INTERVAL_VALUES } from "./verdicts";
import { DESTINATION_KINDS, SCENARIOS } from "./scenarios";

/**
 * `npm run bench [-- [--precise] [--per-type] [--save <file>]]`: what the component costs to evaluate under the SDK's
 * mocks against the same resources declared by hand (the target), and against as many bare ConfigMaps (for
 * information); and the stack's start-up as configured against ts-node with type-checking. Progress goes to stderr, the
 * report to stdout, targets first. Each evaluation target is judged on a confidence interval, so a run too short to tell
 * says so rather than guess. `--save` writes the run with every process's rounds; `npm run bench -- --judge <files…>`
 * judges saved runs together, with each process's median as one value (each run's, once every row has enough runs),
 * and measures nothing.
 * Settings (environment): BENCH_ROUNDS (rounds per evaluation process, fixed), BENCH_COUNTS (distinct destination
 * counts, default "10,100"; one count leaves flatness unjudged), BENCH_REPETITIONS (start-up processes per loader,
 * default 3), BENCH_PRECISE=1 (same as --precise), BENCH_PER_TYPE=1 (same as --per-type: each resource type alone).
 */
const OPTIONS = benchOptions(process.argv.slice(2), process.env);
const DESTINATION_COUNTS = destinationCounts(process.env.BENCH_COUNTS ?? "10,100");
const REPETITIONS = Number(process.env.BENCH_REPETITIONS ?? 3);
/** How long rows run: the processes and rounds each gets, and what that takes in all on 2 quiet cores, when known. */
interface Mode {
    /** How the mode is asked for, as the report names it. */
    name: string;
    /** Processes per row, their rounds pooled (savedRuns.ts `pooled`): one process's median can be off by more than its interval says. */
    processes: number;
    /** Rounds in each process. */
    rounds: RoundPlan;
    minutes?: number;
}
/**
 * By default, rounds start while less than 10 s of evaluations have been timed, at most 25: within 5 minutes on 2 cores,
 * 25 rounds for outside destinations at N = 10, but 1 to 4 at N = 100, too few to resolve a target there.
 */
const DEFAULT_MODE: Mode = { name: "default", processes: 1, rounds: { min: 1, max: 25, budgetMs: 10_000 }, minutes: 5 };
/** `--precise`: three processes per row, each up to 50 s or 50 rounds, the runs docs/benchmark.md reports. */
const PRECISE_MODE: Mode = { name: "--precise", processes: 3, rounds: { min: 1, max: 50, budgetMs: 50_000 }, minutes: 32 };
const TRANSPILE_ONLY = ["--require", "ts-node/register/transpile-only"];
const TYPE_CHECKING = ["--require", "ts-node/register"];

/** The mode asked for: BENCH_ROUNDS (a fixed count for every row, which overrides --precise), --precise, or the default. */
function benchMode(): Mode {
    const asked = process.env.BENCH_ROUNDS;
    if (asked === undefined) return OPTIONS.precise ? PRECISE_MODE : DEFAULT_MODE;
    const rounds = Number(asked);
    if (!Number.isInteger(rounds) || rounds < 1 || rounds > MAX_INTERVAL_VALUES) {
        throw new Error(`BENCH_ROUNDS must be a whole number of rounds from 1 to ${MAX_INTERVAL_VALUES}, not ${JSON.stringify(asked)}`);
    }
    // With min = max the budget never decides; evaluate.ts requires a positive one.
    return { name: `BENCH_ROUNDS=${rounds}`, processes: 1, rounds: { min: rounds, max: rounds, budgetMs: 1 } };
}

const progress = (line: string) => process.stderr.write(`[bench] ${line}\n`);

/** TS_NODE_* variables would change what the loaders do (TS_NODE_TRANSPILE_ONLY would turn type-checking off). */
function withoutTsNodeSettings(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
    return Object.fromEntries(Object.entries(env).filter(([key]) => !key.startsWith("TS_NODE_")));
}

/** Runs `node <nodeArgs> <script> <args>` in the repository, its stderr (progress) passed on; its last stdout line and wall time. */
function runNode(nodeArgs: string[], script: string, args: string[], env: NodeJS.ProcessEnv = {}): { output: string; wallMs: number } {
    const start = process.hrtime.bigint();
    const child = spawnSync(process.execPath, [...nodeArgs, path.join(__dirname, script), ...args], {
        cwd: REPO_ROOT, env: { ...withoutTsNodeSettings(process.env), ...env }, encoding: "utf8", stdio: ["ignore", "pipe", "inherit"], maxBuffer: 64 * 1024 * 1024,
    });
    const wallMs = Number(process.hrtime.bigint() - start) / 1e6;
    if (child.status !== 0) throw new Error(`${script} ${args.join(" ")} failed (exit ${child.status}): ${child.stdout}`);
    return { output: child.stdout.trim().split("\n").pop() ?? "", wallMs };
}

/** Wall time of a whole process that loads and evaluates index.ts, as configured and with type-checking, taking turns (medians: the first of each may find a cold file cache). */
function measureStartUp(configured: string[]): StartUp {
    const env = { PULUMI_CONFIG: JSON.stringify(stackConfig()) };
    const load = (loader: string[]) => {
        const { output, wallMs } = runNode(loader, "loadProgram.ts", [], env);
        if (!(JSON.parse(output).registrations > 0)) throw new Error(`index.ts registered nothing under ${loader.join(" ")}`);
        return wallMs;
    };
    const configuredMs: number[] = [];
    const typeCheckingMs: number[] = [];
    for (let i = 0; i < REPETITIONS; i++) {
        progress(`start-up ${i + 1}/${REPETITIONS}`);
        configuredMs.push(load(configured));
        typeCheckingMs.push(load(TYPE_CHECKING));
    }
    return { configuredNodeArgs: configured, typeCheckingNodeArgs: TYPE_CHECKING, configuredMs: median(configuredMs), typeCheckingMs: median(typeCheckingMs) };
}

/** A run's rows grouped by scenario and kind of destination, a row per count (the groups flatness is judged in). */
function byScenarioAndKind(rows: SavedRow[]): SavedRow[][] {
    const groups = new Map<string, SavedRow[]>();
    for (const row of rows) {
        const key = `${row.scenario}\0${row.kind}`;
        groups.set(key, [...(groups.get(key) ?? []), row]);
    }
    return [...groups.values()];
}

const ABOUT = [
    "Program evaluation under the SDK's mocks, tls and random outputs cheap placeholders (evaluation, not key",
    "generation). component: EgressTlsOrigination with N destinations; direct: the same resources declared by hand",
    "(test/bench/direct/, checked equal by test/benchDirect.test.ts); bare: as many plain ConfigMaps. Each program is",
    "evaluated once to warm up, then once per round, taking turns (bare in the first 3 rounds only); component ÷ direct",
    "is judged on the interval of a median (docs/benchmark.md).",
];

/** Refuses a --save path that could not be written, before a run of half an hour finds out. */
function checkSavePath(file: string): void {
    const directory = path.dirname(path.resolve(file));
    if (existsSync(file) && statSync(file).isDirectory()) throw new Error(`--save ${file}: that is a directory`);
    mkdirSync(directory, { recursive: true });
    accessSync(directory, constants.W_OK);
}

/** Measures every row (and start-up), reports, and with --save keeps the run. */
function measureAndReport(): void {
    const project = stackStartup();
    if (project.typescript) throw new Error("Pulumi.yaml sets typescript: true; the language host would type-check at start-up");
    if (OPTIONS.save) checkSavePath(OPTIONS.save);
    const plan = SCENARIOS.flatMap((scenario) => DESTINATION_KINDS.map((kind) => ({ scenario: scenario.name, kind })));
    const mode = benchMode();
    const { rounds } = mode;
    progress(`${plan.length * DESTINATION_COUNTS.length} rows of ${mode.processes} evaluation process${mode.processes > 1 ? "es" : ""} each (N = ${DESTINATION_COUNTS.join(", ")}), then start-up`
        + `${OPTIONS.perType ? " and each resource type" : ""}${mode.minutes ? `; about ${mode.minutes} minutes on 2 quiet cores` : ""}`);
    let done = 0;
    const rows: SavedRow[] = plan.flatMap(({ scenario, kind }) => DESTINATION_COUNTS.map((destinations) => {
        progress(`${++done}/${plan.length * DESTINATION_COUNTS.length}: ${scenario}, ${destinations} ${kind} destinations`);
        const args = evaluationArguments(scenario, kind, destinations, rounds);
        const processes = Array.from({ length: mode.processes }, (_, i): Measurement => {
            if (mode.processes > 1) progress(`  process ${i + 1}/${mode.processes}`);
            return JSON.parse(runNode(TRANSPILE_ONLY, "evaluate.ts", args).output);
        });
        return { scenario, kind, destinations, processes };
    }));
    const startUp = measureStartUp(project.nodeargs);
    const perType = OPTIONS.perType ? JSON.parse(runNode(TRANSPILE_ONLY, "resourceTypes.ts", []).output) : undefined;
    if (OPTIONS.save) {
        try {
            writeFileSync(OPTIONS.save, `${JSON.stringify(savedRun(mode.name, rows, startUp))}\n`);
            progress(`saved to ${OPTIONS.save}`);
        } catch (error) {
            // The report is still worth printing; the exit status says the run was not kept.
            progress(`not saved: ${(error as Error).message}`);
            process.exitCode = 1;
        }
    }

    console.log("# egress-tls benchmark\n");
    console.log(ABOUT.join("\n"));
    const perProcess = rounds.min === rounds.max ? `${rounds.max}` : `as many as start within ${rounds.budgetMs / 1000} s of timed evaluations, at most ${rounds.max}`;
    const evidence = roundsEvidence([`Rounds (${mode.name}): ${perProcess}${mode.processes > 1 ? `, in each of ${mode.processes} processes per row, pooled` : " per row"}; `
        + "a row's verdict rests on the median of its rounds."], ADVICE[mode.name] ?? ADVICE.fixed);
    console.log(`${evidence.explanation.join("\n")}\n`);
    printTargets(byScenarioAndKind(rows), startUp.configuredMs / startUp.typeCheckingMs, evidence);
    printFigures(rows);
    printStartUp(startUp);
    if (perType) printResourceTypes(perType);
    else console.log("\n(Each resource type alone: `npm run bench -- --per-type`.)");
}

/** What would resolve more, after a run in each mode (BENCH_ROUNDS: "fixed"). */
const ADVICE: { [mode: string]: string } = {
    [DEFAULT_MODE.name]: `\`npm run bench -- --precise\` gives each row more rounds (about ${PRECISE_MODE.minutes} minutes in all).`,
    [PRECISE_MODE.name]: `Runs kept with --save can be judged together (--judge), each process one value (two --precise runs give 6 a row), or each run, from ${FEWEST_FOR_VERDICT} runs a row on (docs/benchmark.md, Saved runs).`,
    fixed: "More rounds narrow an interval, but BENCH_ROUNDS runs one process a row, which can be off by more than its interval says; --precise pools three.",
};

/** Judges saved runs together: each process's median one value, since processes differ more than their rounds do, or each run's, given enough runs (evidence.ts). */
function judgeSavedRuns(files: string[]): void {
    const runs = files.map((source) => ({ source, run: parseSavedRun(readFileSync(source, "utf8"), source) }));
    const combined = combineRuns(runs);
    console.log("# egress-tls benchmark: saved runs judged together\n");
    console.log(ABOUT.join("\n"));
    console.log(`Runs (all measured code ${combined.measuredCode}, Node.js ${combined.node}):`);
    for (const { source, run } of runs) {
        const counts = run.rows.map((row) => row.processes.length);
        const [fewest, most] = [Math.min(...counts), Math.max(...counts)];
        console.log(`- ${source}: ${run.savedAt}, ${run.mode}, ${fewest === most ? fewest : `${fewest} to ${most}`} process${most > 1 ? "es" : ""} per row; `
            + `${run.machine.cpus} × ${run.machine.cpuModel}, kernel ${run.machine.kernel}`);
    }
    const evidence = savedRunsEvidence(combined);
    console.log(`\n${evidence.explanation.join("\n")}\n`);
    printTargets(byScenarioAndKind(combined.rows), combined.startUpRatio, evidence);
    printFigures(combined.rows);
    printStartUp(combined.startUp);
}

if (OPTIONS.judge) judgeSavedRuns(OPTIONS.judge);
else measureAndReport();
