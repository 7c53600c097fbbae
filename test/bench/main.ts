import { spawnSync } from "child_process";
import * as path from "path";
import { stackConfig } from "../support/devStack";
import { REPO_ROOT } from "../support/repoPaths";
import { stackStartup } from "../support/pulumiProject";
import { BARE_CONFIG_MAP, destinationCounts, evaluationArguments, fewestValuesForInterval, MAX_INTERVAL_VALUES, Measurement, median, pooled, RoundPlan } from "./measurement";
import { DESTINATION_KINDS, DestinationKind, SCENARIOS } from "./scenarios";
import { judgeGrowth, judgeRounds, Judgement, Verdict } from "./verdicts";

/**
 * `npm run bench [-- [--precise] [--per-type]]`: what the component costs to evaluate under the SDK's mocks against the
 * same resources declared by hand (the target), and against as many bare ConfigMaps (for information); and the stack's
 * start-up as configured against ts-node with type-checking. Progress goes to stderr, the report to stdout, targets
 * first. Each evaluation target is judged on a confidence interval, so a run too short to tell says so rather than guess.
 * Settings (environment): BENCH_ROUNDS (rounds per evaluation process, fixed), BENCH_COUNTS (distinct destination
 * counts, default "10,100"; one count leaves flatness unjudged), BENCH_REPETITIONS (start-up processes per loader,
 * default 3), BENCH_PRECISE=1 (same as --precise), BENCH_PER_TYPE=1 (same as --per-type: each resource type alone).
 */
const DESTINATION_COUNTS = destinationCounts(process.env.BENCH_COUNTS ?? "10,100");
const REPETITIONS = Number(process.env.BENCH_REPETITIONS ?? 3);
const PER_TYPE = process.argv.includes("--per-type") || process.env.BENCH_PER_TYPE === "1";
/** How long rows run: the processes and rounds each gets, and what that takes in all on 2 quiet cores, when known. */
interface Mode {
    /** How the mode is asked for, as the report names it. */
    name: string;
    /** Processes per row, their rounds pooled (measurement.ts `pooled`): one process's median can be off by more than its interval says. */
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
/** Targets: the component ≤ 1.10 × the same resources declared by hand; ms/destination flat; start-up ≤ 0.5 × type-checking. */
const MAX_COST_RATIO = 1.1;
const MAX_START_UP_RATIO = 0.5;
/**
 * A row's target is judged on the 90% interval of its median. Flatness divides two rows' medians, each from a 95%
 * interval, so that both hold (and with them the quotient's bounds) with probability at least 90%: 1 - 0.05 - 0.05 in
 * any case, 0.95² when the rows' processes are independent.
 */
const ROW_CONFIDENCE = 0.9;
const FLATNESS_ROW_CONFIDENCE = 0.95;
const TRANSPILE_ONLY = ["--require", "ts-node/register/transpile-only"];
const TYPE_CHECKING = ["--require", "ts-node/register"];

/** The mode asked for: BENCH_ROUNDS (a fixed count for every row, which overrides --precise), --precise, or the default. */
function benchMode(): Mode {
    const asked = process.env.BENCH_ROUNDS;
    if (asked === undefined) return process.argv.includes("--precise") || process.env.BENCH_PRECISE === "1" ? PRECISE_MODE : DEFAULT_MODE;
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

interface Row {
    scenario: string;
    kind: DestinationKind;
    destinations: number;
    measurement: Measurement;
}

/** Wall time of a whole process that loads and evaluates index.ts, as configured and with type-checking, taking turns (medians: the first of each may find a cold file cache). */
function measureStartUp(configured: string[]): { configuredMs: number; typeCheckingMs: number } {
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
    return { configuredMs: median(configuredMs), typeCheckingMs: median(typeCheckingMs) };
}

const fixed = (value: number, digits = 2) => value.toFixed(digits);

/**
 * The component's growth per destination against direct's, from the smallest count to the largest: component ÷ direct
 * at the largest over the same at the smallest (each a median of rounds paired under the same load). Under the SDK's
 * mocks a resource's cost depends on the program's size whoever declares it, so the component is flat when this is at
 * most MAX_COST_RATIO: nothing it adds grows faster than the resources themselves.
 */
function growth(rows: Row[]): { from: Row; to: Row; judgement: Judgement } {
    const sorted = [...rows].sort((a, b) => a.destinations - b.destinations);
    const [from, to] = [sorted[0], sorted[sorted.length - 1]];
    const rounds = (row: Row) => row.measurement.componentToDirectByRound;
    return { from, to, judgement: judgeGrowth(rounds(from), rounds(to), MAX_COST_RATIO, FLATNESS_ROW_CONFIDENCE) };
}

/** A ratio as printed: two decimals, or three where two would round it onto the target. */
function ratioText(value: number, target: number): string {
    return fixed(value) === fixed(target) ? fixed(value, 3) : fixed(value);
}

function intervalText(judgement: Judgement, target: number): string {
    const { interval } = judgement;
    return interval ? `${ratioText(interval.low, target)}–${ratioText(interval.high, target)}` : "none (too few rounds)";
}

function printTargets(groups: Row[][], startUpRatio: number, mode: Mode): void {
    console.log("## Targets\n");
    console.log(`| scenario | destinations | component ÷ direct (≤ ${fixed(MAX_COST_RATIO)}) | ${ROW_CONFIDENCE * 100}% interval | verdict | rounds | component ÷ bare (information) |`);
    console.log("|---|---|---:|---|---|---:|---:|");
    const verdicts: Verdict[] = [];
    for (const row of groups.flat()) {
        const judgement = judgeRounds(row.measurement.componentToDirectByRound, MAX_COST_RATIO, ROW_CONFIDENCE);
        verdicts.push(judgement.verdict);
        console.log(`| ${row.scenario} | ${row.destinations} ${row.kind} | ${ratioText(judgement.value, MAX_COST_RATIO)}× | ${intervalText(judgement, MAX_COST_RATIO)} | `
            + `${judgement.verdict} | ${row.measurement.rounds} | ${fixed(row.measurement.componentToBare)}× |`);
    }
    console.log("");
    // A row over itself would pass for flat: with one count there is no flatness to judge.
    if (DESTINATION_COUNTS.length === 1) console.log(`- flatness: not judged, as BENCH_COUNTS gives one destination count`);
    else for (const rows of groups) {
        const { from, to, judgement } = growth(rows);
        verdicts.push(judgement.verdict);
        console.log(`- ${judgement.verdict}: ${from.scenario}, ${from.kind}: component ÷ direct at N=${to.destinations} is `
            + `${ratioText(judgement.value, MAX_COST_RATIO)}× that at N=${from.destinations} (interval ${intervalText(judgement, MAX_COST_RATIO)}; flat: ≤ ${fixed(MAX_COST_RATIO)}×)`);
    }
    console.log(`- ${startUpRatio <= MAX_START_UP_RATIO ? "met" : "MISSED"}: configured start-up is ${fixed(startUpRatio)}× ts-node with `
        + `type-checking (target ≤ ${MAX_START_UP_RATIO}×)`);
    const count = (verdict: Verdict) => verdicts.filter((v) => v === verdict).length;
    console.log(`\nEvaluation and flatness: ${count("met")} met, ${count("MISSED")} missed, ${count("unresolved")} unresolved of ${verdicts.length}.`);
    if (count("unresolved") > 0) {
        console.log(`Unresolved: the interval spans the target, or there were too few rounds for one (fewer than ${fewestValuesForInterval(ROW_CONFIDENCE)} `
            + `in a row; ${fewestValuesForInterval(FLATNESS_ROW_CONFIDENCE)} in each for flatness). `
            + `${mode === DEFAULT_MODE ? `\`npm run bench -- --precise\` gives each row more rounds (about ${PRECISE_MODE.minutes} minutes in all).` : "More rounds would narrow an interval; that takes a longer run than --precise (BENCH_ROUNDS fixes rounds, but in one process per row, unpooled)."}`);
    }
}

function printFigures(rows: Row[], processes: number): void {
    console.log("\n## Figures (medians per evaluation)\n");
    if (processes > 1) console.log(`Medians of the ${processes} processes' medians; evaluations summed.\n`);
    console.log("| scenario | destinations | program | resources | wall ms | ms/resource | GC ms | evaluations |");
    console.log("|---|---|---|---:|---:|---:|---:|---:|");
    for (const row of rows) {
        for (const [kind, m] of Object.entries(row.measurement.figures)) {
            console.log(`| ${row.scenario} | ${row.destinations} ${row.kind} | ${kind} | ${m.resources} | ${fixed(m.wallMs, 0)} | `
                + `${fixed(m.wallMs / m.resources)} | ${fixed(m.gcMs, 0)} | ${m.evaluations} |`);
        }
    }
}

/** What one resource of each type costs when registered alone (resourceTypes.ts): the floor under any program made of them. */
function printResourceTypes(msPerResource: { [type: string]: number }): void {
    const bare = msPerResource[BARE_CONFIG_MAP];
    console.log("\n## Each resource type the in-cluster component registers, registered alone\n");
    console.log("| resource type | ms/resource | × bare ConfigMap |");
    console.log("|---|---:|---:|");
    for (const [type, ms] of Object.entries(msPerResource)) console.log(`| ${type} | ${fixed(ms)} | ${fixed(ms / bare)} |`);
}

function main(): void {
    const startup = stackStartup();
    if (startup.typescript) throw new Error("Pulumi.yaml sets typescript: true; the language host would type-check at start-up");
    const plan = SCENARIOS.flatMap((scenario) => DESTINATION_KINDS.map((kind) => ({ scenario: scenario.name, kind })));
    const mode = benchMode();
    const { rounds } = mode;
    progress(`${plan.length * DESTINATION_COUNTS.length} rows of ${mode.processes} evaluation process${mode.processes > 1 ? "es" : ""} each (N = ${DESTINATION_COUNTS.join(", ")}), then start-up`
        + `${PER_TYPE ? " and each resource type" : ""}${mode.minutes ? `; about ${mode.minutes} minutes on 2 quiet cores` : ""}`);
    let done = 0;
    const groups: Row[][] = plan.map(({ scenario, kind }) => DESTINATION_COUNTS.map((destinations) => {
        progress(`${++done}/${plan.length * DESTINATION_COUNTS.length}: ${scenario}, ${destinations} ${kind} destinations`);
        const args = evaluationArguments(scenario, kind, destinations, rounds);
        const measurements = Array.from({ length: mode.processes }, (_, i): Measurement => {
            if (mode.processes > 1) progress(`  process ${i + 1}/${mode.processes}`);
            return JSON.parse(runNode(TRANSPILE_ONLY, "evaluate.ts", args).output);
        });
        return { scenario, kind, destinations, measurement: pooled(measurements) };
    }));
    const { configuredMs, typeCheckingMs } = measureStartUp(startup.nodeargs);
    const perType = PER_TYPE ? JSON.parse(runNode(TRANSPILE_ONLY, "resourceTypes.ts", []).output) : undefined;

    console.log("# egress-tls benchmark\n");
    console.log("Program evaluation under the SDK's mocks, tls and random outputs cheap placeholders (evaluation, not key");
    console.log("generation). component: EgressTlsOrigination with N destinations; direct: the same resources declared by hand");
    console.log("(test/bench/direct/, checked equal by test/benchDirect.test.ts); bare: as many plain ConfigMaps. One process per");
    console.log("row (or several, pooled); each program evaluated once to warm up, then once per round, taking turns (bare in");
    console.log("the first 3 rounds only); component ÷ direct is the median of the rounds', judged on its interval (docs/benchmark.md).");
    const perProcess = rounds.min === rounds.max ? `${rounds.max}` : `as many as start within ${rounds.budgetMs / 1000} s of timed evaluations, at most ${rounds.max}`;
    console.log(`Rounds (${mode.name}): ${perProcess}${mode.processes > 1 ? `, in each of ${mode.processes} processes per row, pooled` : " per row"}.\n`);
    printTargets(groups, configuredMs / typeCheckingMs, mode);
    printFigures(groups.flat(), mode.processes);
    console.log("\n## Start-up: a whole `node` process that loads index.ts and evaluates it under mocks (dev stack)\n");
    console.log("| loader | median ms |");
    console.log("|---|---:|");
    console.log(`| as configured in Pulumi.yaml (typescript: false, nodeargs \`${startup.nodeargs.join(" ")}\`) | ${fixed(configuredMs, 0)} |`);
    console.log(`| ts-node with type-checking (\`${TYPE_CHECKING.join(" ")}\`, like typescript: true) | ${fixed(typeCheckingMs, 0)} |`);
    if (perType) printResourceTypes(perType);
    else console.log("\n(Each resource type alone: `npm run bench -- --per-type`.)");
}

main();
