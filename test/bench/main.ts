import { spawnSync } from "child_process";
import * as path from "path";
import { stackConfig } from "../support/devStack";
import { REPO_ROOT } from "../support/repoPaths";
import { stackStartup } from "../support/pulumiProject";
import { BARE_CONFIG_MAP, Measurement, median } from "./measurement";
import { DESTINATION_KINDS, DestinationKind, SCENARIOS } from "./scenarios";

/**
 * `npm run bench [-- --per-type]`: what the component costs to evaluate under the SDK's mocks against the same resources
 * declared by hand (the target), and against as many bare ConfigMaps (for information); and the stack's start-up as
 * configured against ts-node with type-checking. Progress goes to stderr, the report to stdout, targets first.
 * Settings (environment): BENCH_ROUNDS (rounds per evaluation process; default as many as fit in 12 s, 1 to 9), BENCH_COUNTS
 * (destination counts, default "10,100"), BENCH_REPETITIONS (start-up processes per loader, default 3),
 * BENCH_PER_TYPE=1 (same as --per-type: each resource type alone).
 */
const DESTINATION_COUNTS = (process.env.BENCH_COUNTS ?? "10,100").split(",").map(Number);
const ROUNDS = process.env.BENCH_ROUNDS;
const REPETITIONS = Number(process.env.BENCH_REPETITIONS ?? 3);
const PER_TYPE = process.argv.includes("--per-type") || process.env.BENCH_PER_TYPE === "1";
/** Targets: the component ≤ 1.10 × the same resources declared by hand; ms/destination flat; start-up ≤ 0.5 × type-checking. */
const MAX_COST_RATIO = 1.1;
const MAX_START_UP_RATIO = 0.5;
const TRANSPILE_ONLY = ["--require", "ts-node/register/transpile-only"];
const TYPE_CHECKING = ["--require", "ts-node/register"];

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
const verdict = (met: boolean) => (met ? "met" : "MISSED");

/**
 * The component's growth per destination against direct's, from the smallest count to the largest: component ÷ direct
 * at the largest over the same at the smallest (each a median of rounds paired under the same load). Under the SDK's
 * mocks a resource's cost depends on the program's size whoever declares it, so the component is flat when this is at
 * most MAX_COST_RATIO: nothing it adds grows faster than the resources themselves.
 */
function relativeGrowth(rows: Row[]): { from: Row; to: Row; growth: number } {
    const sorted = [...rows].sort((a, b) => a.destinations - b.destinations);
    const [from, to] = [sorted[0], sorted[sorted.length - 1]];
    return { from, to, growth: to.measurement.ratios.componentToDirect / from.measurement.ratios.componentToDirect };
}

/** A ratio as printed: two decimals, or three where two would round it onto the target it misses or meets. */
function ratioText(value: number, target: number): string {
    return fixed(value) === fixed(target) ? fixed(value, 3) : fixed(value);
}

/** The rounds' lowest and highest component ÷ direct, when there are several. */
function roundSpread(measurement: Measurement): string {
    const byRound = measurement.componentToDirectByRound;
    return byRound.length < 2 ? "1 round" : `${fixed(Math.min(...byRound))}–${fixed(Math.max(...byRound))}, ${byRound.length} rounds`;
}

function printTargets(groups: Row[][], startUpRatio: number): void {
    console.log("## Targets\n");
    console.log("| scenario | destinations | component ÷ direct (≤ 1.10) | | rounds' range | component ÷ bare (information) |");
    console.log("|---|---|---:|---|---|---:|");
    for (const row of groups.flat()) {
        const { componentToDirect, componentToBare } = row.measurement.ratios;
        console.log(`| ${row.scenario} | ${row.destinations} ${row.kind} | ${ratioText(componentToDirect, MAX_COST_RATIO)}× | ${verdict(componentToDirect <= MAX_COST_RATIO)} | `
            + `${roundSpread(row.measurement)} | ${fixed(componentToBare)}× |`);
    }
    console.log("");
    for (const rows of groups) {
        const { from, to, growth } = relativeGrowth(rows);
        console.log(`- ${verdict(growth <= MAX_COST_RATIO)}: ${from.scenario}, ${from.kind}: component ÷ direct at N=${to.destinations} is `
            + `${ratioText(growth, MAX_COST_RATIO)}× that at N=${from.destinations} (flat: ≤ ${MAX_COST_RATIO}×)`);
    }
    console.log(`- ${verdict(startUpRatio <= MAX_START_UP_RATIO)}: configured start-up is ${fixed(startUpRatio)}× ts-node with `
        + `type-checking (target ≤ ${MAX_START_UP_RATIO}×)`);
}

function printFigures(rows: Row[]): void {
    console.log("\n## Figures (medians per evaluation)\n");
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
    progress(`${plan.length * DESTINATION_COUNTS.length} evaluation processes (N = ${DESTINATION_COUNTS.join(", ")}), then start-up`
        + `${PER_TYPE ? " and each resource type" : ""}; about 5 minutes on 2 quiet cores`);
    let done = 0;
    const groups: Row[][] = plan.map(({ scenario, kind }) => DESTINATION_COUNTS.map((destinations) => {
        progress(`${++done}/${plan.length * DESTINATION_COUNTS.length}: ${scenario}, ${destinations} ${kind} destinations`);
        const args = [scenario, kind, String(destinations), ...(ROUNDS ? [ROUNDS] : [])];
        return { scenario, kind, destinations, measurement: JSON.parse(runNode(TRANSPILE_ONLY, "evaluate.ts", args).output) };
    }));
    const { configuredMs, typeCheckingMs } = measureStartUp(startup.nodeargs);
    const perType = PER_TYPE ? JSON.parse(runNode(TRANSPILE_ONLY, "resourceTypes.ts", []).output) : undefined;

    console.log("# egress-tls benchmark\n");
    console.log("Program evaluation under the SDK's mocks, tls and random outputs cheap placeholders (evaluation, not key");
    console.log("generation). component: EgressTlsOrigination with N destinations; direct: the same resources declared by hand");
    console.log("(test/bench/direct/, checked equal by test/benchDirect.test.ts); bare: as many plain ConfigMaps. One process per");
    console.log("row; each program evaluated once to warm up, then once per round, taking turns (bare in the first 3 rounds");
    console.log("only); ratios are medians of the rounds'.\n");
    printTargets(groups, configuredMs / typeCheckingMs);
    printFigures(groups.flat());
    console.log("\n## Start-up: a whole `node` process that loads index.ts and evaluates it under mocks (dev stack)\n");
    console.log("| loader | median ms |");
    console.log("|---|---:|");
    console.log(`| as configured in Pulumi.yaml (typescript: false, nodeargs \`${startup.nodeargs.join(" ")}\`) | ${fixed(configuredMs, 0)} |`);
    console.log(`| ts-node with type-checking (\`${TYPE_CHECKING.join(" ")}\`, like typescript: true) | ${fixed(typeCheckingMs, 0)} |`);
    if (perType) printResourceTypes(perType);
    else console.log("\n(Each resource type alone: `npm run bench -- --per-type`.)");
}

main();
