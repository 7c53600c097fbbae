import * as path from "path";
import { run } from "../support/commands";
import { stackConfig } from "../support/devStack";
import { REPO_ROOT } from "../support/repoPaths";
import { stackStartup } from "../support/pulumiProject";
import { BARE_CONFIG_MAP, DESTINATION_KINDS, DestinationKind, Measurement, median, PROGRAM_KINDS, ProgramKind } from "./measurement";

/**
 * `npm run bench`: the cost of evaluating the component under the SDK's mocks, next to the same resources made without
 * it and to a bare program of as many plain ConfigMaps (see PROGRAM_KINDS), and the stack's start-up as configured
 * against ts-node with type-checking. Every figure is the median of REPETITIONS fresh processes, after one warm-up
 * process whose figures are dropped; the programs take turns, so load from elsewhere on the machine falls on all alike.
 */
const DESTINATION_COUNTS = [1, 10, 100];
const REPETITIONS = Number(process.env.BENCH_REPETITIONS ?? 5);
/** Targets: ms/resource of the component ≤ 1.10 × the bare program's; ms/destination at 100 ≤ 1.10 × at 10. */
const MAX_COST_RATIO = 1.1;
const MAX_START_UP_RATIO = 0.5;
const TRANSPILE_ONLY = ["--require", "ts-node/register/transpile-only"];
const TYPE_CHECKING = ["--require", "ts-node/register"];

/** Runs `node <nodeArgs> <script> <args>` in the repository, returning its last stdout line and its wall time. */
function runNode(nodeArgs: string[], script: string, args: string[], env: NodeJS.ProcessEnv = {}): { output: string; wallMs: number } {
    const start = process.hrtime.bigint();
    const stdout = run(process.execPath, [...nodeArgs, path.join(__dirname, script), ...args], REPO_ROOT, { ...withoutTsNodeSettings(process.env), ...env });
    const wallMs = Number(process.hrtime.bigint() - start) / 1e6;
    return { output: stdout.trim().split("\n").pop() ?? "", wallMs };
}

/** TS_NODE_* variables would change what the loaders do (TS_NODE_TRANSPILE_ONLY would turn type-checking off). */
function withoutTsNodeSettings(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
    return Object.fromEntries(Object.entries(env).filter(([key]) => !key.startsWith("TS_NODE_")));
}

function evaluate(kind: ProgramKind, destinationKind: DestinationKind, count: number): Measurement {
    return JSON.parse(runNode(TRANSPILE_ONLY, "evaluate.ts", [kind, destinationKind, String(count)]).output);
}

type Row = { destinations: number; destinationKind: DestinationKind } & { [kind in ProgramKind]: Measurement };

function medianMeasurement(measurements: Measurement[]): Measurement {
    return {
        resources: measurements[0].resources,
        wallMs: median(measurements.map((m) => m.wallMs)),
        gcMs: median(measurements.map((m) => m.gcMs)),
        peakRssMb: median(measurements.map((m) => m.peakRssMb)),
    };
}

function measureEvaluation(destinationKind: DestinationKind, destinations: number): Row {
    // The component's warm-up process also tells how many ConfigMaps the bare program makes.
    const counts: { [kind in ProgramKind]: number } = {
        component: destinations,
        direct: destinations,
        bare: evaluate("component", destinationKind, destinations).resources,
    };
    evaluate("direct", destinationKind, counts.direct);
    evaluate("bare", destinationKind, counts.bare);
    const measurements: { [kind in ProgramKind]: Measurement[] } = { component: [], direct: [], bare: [] };
    for (let i = 0; i < REPETITIONS; i++) {
        for (const kind of PROGRAM_KINDS) measurements[kind].push(evaluate(kind, destinationKind, counts[kind]));
    }
    const row = { destinations, destinationKind } as Row;
    for (const kind of PROGRAM_KINDS) row[kind] = medianMeasurement(measurements[kind]);
    return row;
}

/** Wall time of a whole process that loads and evaluates index.ts, as configured and with type-checking. */
function measureStartUp(configured: string[]): { configuredMs: number; typeCheckingMs: number } {
    const env = { PULUMI_CONFIG: JSON.stringify(stackConfig()) };
    const load = (loader: string[]) => {
        const { output, wallMs } = runNode(loader, "loadProgram.ts", [], env);
        if (!(JSON.parse(output).registrations > 0)) throw new Error(`index.ts registered nothing under ${loader.join(" ")}`);
        return wallMs;
    };
    load(configured);
    load(TYPE_CHECKING);
    const configuredMs: number[] = [];
    const typeCheckingMs: number[] = [];
    for (let i = 0; i < REPETITIONS; i++) {
        configuredMs.push(load(configured));
        typeCheckingMs.push(load(TYPE_CHECKING));
    }
    return { configuredMs: median(configuredMs), typeCheckingMs: median(typeCheckingMs) };
}

const fixed = (value: number, digits = 1) => value.toFixed(digits);
const perResource = (m: Measurement) => m.wallMs / m.resources;
const perResourceWithoutGc = (m: Measurement) => (m.wallMs - m.gcMs) / m.resources;

function target(met: boolean, text: string): string {
    return `- ${met ? "met" : "MISSED"}: ${text}`;
}

function printTable(rows: Row[]): void {
    console.log("| destinations | program | resources | wall ms | ms/resource | GC ms | peak RSS MB |");
    console.log("|---|---|---:|---:|---:|---:|---:|");
    for (const row of rows) {
        for (const kind of PROGRAM_KINDS) {
            const m = row[kind];
            console.log(`| ${row.destinations} ${row.destinationKind} | ${kind} | ${m.resources} | ${fixed(m.wallMs, 0)} | ${fixed(perResource(m), 2)} | ${fixed(m.gcMs, 0)} | ${fixed(m.peakRssMb, 0)} |`);
        }
    }
}

/** `rows` holds one destination kind at every DESTINATION_COUNT. */
function printEvaluationTargets(rows: Row[]): void {
    for (const row of rows) {
        const ratio = perResource(row.component) / perResource(row.bare);
        console.log(target(ratio <= MAX_COST_RATIO, `${row.destinationKind}, N=${row.destinations}: component ms/resource is `
            + `${fixed(ratio, 2)}× the bare program's (target ≤ ${MAX_COST_RATIO}×)`));
    }
    const perDestinationGrowth = growth(rows, (row) => row.component.wallMs / row.destinations);
    console.log(target(perDestinationGrowth <= MAX_COST_RATIO, `${rows[0].destinationKind}: ms/destination at N=100 is `
        + `${fixed(perDestinationGrowth, 2)}× that at N=10 (flat: ≤ ${MAX_COST_RATIO}×)`));
}

/** How a figure of the rows at N=100 compares with N=10. */
function growth(rows: Row[], figure: (row: Row) => number): number {
    const at = (destinations: number): Row => {
        const row = rows.find((r) => r.destinations === destinations);
        if (!row) throw new Error(`no row for N=${destinations}; DESTINATION_COUNTS must hold 10 and 100`);
        return row;
    };
    return figure(at(100)) / figure(at(10));
}

function printDiagnostics(rows: Row[]): void {
    for (const row of rows) {
        console.log(`- ${row.destinationKind}, N=${row.destinations}: component ms/resource is `
            + `${fixed(perResource(row.component) / perResource(row.direct), 2)}× direct's (the component's own cost); direct is `
            + `${fixed(perResource(row.direct) / perResource(row.bare), 2)}× bare (the cost of its resource types)`);
    }
    const grew = (kind: ProgramKind, perResourceOf: (m: Measurement) => number) => fixed(growth(rows, (row) => perResourceOf(row[kind])), 2);
    console.log(`- ${rows[0].destinationKind}, N=10→100: ms/resource grew ${grew("component", perResource)}× (component), `
        + `${grew("direct", perResource)}× (direct), ${grew("bare", perResource)}× (bare); without GC pauses `
        + `${grew("component", perResourceWithoutGc)}×, ${grew("direct", perResourceWithoutGc)}×, ${grew("bare", perResourceWithoutGc)}×`);
}

/** What one resource of each type costs when registered alone (resourceTypes.ts): the floor under any program made of them. */
function printResourceTypes(msPerResource: { [type: string]: number }): void {
    const bare = msPerResource[BARE_CONFIG_MAP];
    console.log("\nEach resource type the in-cluster component registers, registered alone (resourceTypes.ts), against the bare");
    console.log("program's ConfigMap:\n");
    console.log("| resource type | ms/resource | × bare ConfigMap |");
    console.log("|---|---:|---:|");
    for (const [type, ms] of Object.entries(msPerResource)) console.log(`| ${type} | ${fixed(ms, 2)} | ${fixed(ms / bare, 2)} |`);
}

function main(): void {
    const startup = stackStartup();
    if (startup.typescript) throw new Error("Pulumi.yaml sets typescript: true; the language host would type-check at start-up");
    console.log("# egress-tls benchmark\n");
    console.log("Program evaluation under the SDK's mocks (test/support/harness.ts `runProgram`). tls and random resources get");
    console.log("cheap fixed placeholder outputs (test/support/cheapProviders.ts), so this measures program evaluation, not key");
    console.log(`generation. Medians of ${REPETITIONS} fresh processes after a warm-up process; in each, the program is evaluated`);
    console.log("once to warm up, then timed over enough evaluations to cover about 1000 resources (1 to 20), per evaluation.");
    console.log("component: EgressTlsOrigination with N destinations, outside (SIMPLE, CA brought) or in-cluster (the");
    console.log("walkthrough's nginx, certificates made with @pulumi/tls); direct: the same resources (classes, names, inputs) made");
    console.log("without the component; bare: as many plain ConfigMaps.\n");

    const rowsByKind = DESTINATION_KINDS.map((kind) => DESTINATION_COUNTS.map((count) => measureEvaluation(kind, count)));
    printTable(rowsByKind.flat());

    printResourceTypes(JSON.parse(runNode(TRANSPILE_ONLY, "resourceTypes.ts", []).output));

    const loader = startup.nodeargs.join(" ");
    const { configuredMs, typeCheckingMs } = measureStartUp(startup.nodeargs);
    console.log("\nStart-up: a whole `node` process that loads index.ts and evaluates it under mocks (dev stack config).\n");
    console.log("| loader | median ms |");
    console.log("|---|---:|");
    console.log(`| as configured in Pulumi.yaml (typescript: false, nodeargs \`${loader}\`) | ${fixed(configuredMs, 0)} |`);
    console.log(`| ts-node with type-checking (\`${TYPE_CHECKING.join(" ")}\`, like typescript: true) | ${fixed(typeCheckingMs, 0)} |`);

    console.log("\nTargets:\n");
    rowsByKind.forEach(printEvaluationTargets);
    const startUpRatio = configuredMs / typeCheckingMs;
    console.log(target(startUpRatio <= MAX_START_UP_RATIO,
        `configured start-up is ${fixed(startUpRatio, 2)}× ts-node with type-checking (target ≤ ${MAX_START_UP_RATIO}×)`));

    console.log("\nDiagnostics:\n");
    rowsByKind.forEach(printDiagnostics);
}

main();
