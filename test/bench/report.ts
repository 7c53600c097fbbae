import type { Evidence } from "./evidence";
import { BARE_CONFIG_MAP } from "./measurement";
import { pooled, SavedRow, StartUp } from "./savedRuns";
import { CONFIDENCE, FEWEST_FOR_VERDICT, MAX_COST_RATIO, MAX_START_UP_RATIO } from "./targets";
import { judgeMedian, Judgement, Verdict } from "./verdicts";

// The benchmark's report (main.ts measures, or reads saved runs): targets first, then figures and start-up.

export const fixed = (value: number, digits = 2) => value.toFixed(digits);

/** A ratio as printed: two decimals, or three where two would round it onto the target. */
function ratioText(value: number, target: number): string {
    return fixed(value) === fixed(target) ? fixed(value, 3) : fixed(value);
}

function intervalText(judgement: Judgement, target: number, evidence: Evidence): string {
    const { interval } = judgement;
    return interval ? `${ratioText(interval.low, target)}–${ratioText(interval.high, target)}` : `none (too few ${evidence.unit})`;
}

/** A group's rows at its smallest and largest count, between which flatness is judged. */
function ends(rows: SavedRow[]): { from: SavedRow; to: SavedRow } {
    const sorted = [...rows].sort((a, b) => a.destinations - b.destinations);
    return { from: sorted[0], to: sorted[sorted.length - 1] };
}

/** The Targets section; `groups` holds one scenario and kind of destination each, a row per count. */
export function printTargets(groups: SavedRow[][], startUpRatio: number, evidence: Evidence): void {
    console.log("## Targets\n");
    const { detail } = evidence;
    console.log(`| scenario | destinations | component ÷ direct (≤ ${fixed(MAX_COST_RATIO)}) | ${CONFIDENCE * 100}% interval | verdict | ${evidence.unit} | component ÷ bare (information) |`
        + `${detail ? ` ${detail.heading} |` : ""}`);
    console.log(`|---|---|---:|---|---|---:|---:|${detail ? "---|" : ""}`);
    const verdicts: Verdict[] = [];
    for (const row of groups.flat()) {
        const values = evidence.values(row);
        const judgement = judgeMedian(values, MAX_COST_RATIO, CONFIDENCE);
        verdicts.push(judgement.verdict);
        console.log(`| ${row.scenario} | ${row.destinations} ${row.kind} | ${ratioText(judgement.value, MAX_COST_RATIO)}× | ${intervalText(judgement, MAX_COST_RATIO, evidence)} | `
            + `${judgement.verdict} | ${values.length} | ${fixed(pooled(row.processes).componentToBare)}× |${detail ? ` ${detail.cell(row)} |` : ""}`);
    }
    console.log("");
    // A row over itself would pass for flat: with one count there is no flatness to judge.
    const oneCount = groups.every((rows) => rows.length < 2);
    if (oneCount) console.log("- flatness: not judged, as there is one destination count");
    for (const rows of groups) {
        if (rows.length < 2) {
            if (!oneCount) console.log(`- flatness: not judged for ${rows[0].scenario}, ${rows[0].kind}: one destination count`);
            continue;
        }
        const { from, to } = ends(rows);
        const judgement = evidence.flatness.judge(from, to);
        verdicts.push(judgement.verdict);
        console.log(`- ${judgement.verdict}: ${from.scenario}, ${from.kind}: component ÷ direct at N=${to.destinations} is `
            + `${ratioText(judgement.value, MAX_COST_RATIO)}× that at N=${from.destinations} (interval ${intervalText(judgement, MAX_COST_RATIO, evidence)}; flat: ≤ ${fixed(MAX_COST_RATIO)}×)`);
    }
    console.log(`- ${startUpRatio <= MAX_START_UP_RATIO ? "met" : "MISSED"}: configured start-up is ${fixed(startUpRatio)}× ts-node with `
        + `type-checking (target ≤ ${MAX_START_UP_RATIO}×)`);
    const count = (verdict: Verdict) => verdicts.filter((v) => v === verdict).length;
    console.log(`\nEvaluation and flatness: ${count("met")} met, ${count("MISSED")} missed, ${count("unresolved")} unresolved of ${verdicts.length}.`);
    if (count("unresolved") > 0) {
        console.log(`Unresolved: the interval spans the target, or there were too few ${evidence.unit} for one (fewer than ${FEWEST_FOR_VERDICT} `
            + `in a row; flatness needs ${evidence.flatness.needs}). ${evidence.advice}`);
    }
}

export function printFigures(rows: SavedRow[]): void {
    console.log("\n## Figures (medians per evaluation)\n");
    if (rows.some((row) => row.processes.length > 1)) console.log("Where a row had several processes: the median of their medians; evaluations summed.\n");
    console.log("| scenario | destinations | program | resources | wall ms | ms/resource | GC ms | evaluations |");
    console.log("|---|---|---|---:|---:|---:|---:|---:|");
    for (const row of rows) {
        for (const [kind, m] of Object.entries(pooled(row.processes).figures)) {
            console.log(`| ${row.scenario} | ${row.destinations} ${row.kind} | ${kind} | ${m.resources} | ${fixed(m.wallMs, 0)} | `
                + `${fixed(m.wallMs / m.resources)} | ${fixed(m.gcMs, 0)} | ${m.evaluations} |`);
        }
    }
}

export function printStartUp(startUp: StartUp): void {
    console.log("\n## Start-up: a whole `node` process that loads index.ts and evaluates it under mocks (dev stack)\n");
    console.log("| loader | median ms |");
    console.log("|---|---:|");
    console.log(`| as configured in Pulumi.yaml (typescript: false, nodeargs \`${startUp.configuredNodeArgs.join(" ")}\`) | ${fixed(startUp.configuredMs, 0)} |`);
    console.log(`| ts-node with type-checking (\`${startUp.typeCheckingNodeArgs.join(" ")}\`, like typescript: true) | ${fixed(startUp.typeCheckingMs, 0)} |`);
}

/** What one resource of each type costs when registered alone (resourceTypes.ts): the floor under any program made of them. */
export function printResourceTypes(msPerResource: { [type: string]: number }): void {
    const bare = msPerResource[BARE_CONFIG_MAP];
    console.log("\n## Each resource type the in-cluster component registers, registered alone\n");
    console.log("| resource type | ms/resource | × bare ConfigMap |");
    console.log("|---|---:|---:|");
    for (const [type, ms] of Object.entries(msPerResource)) console.log(`| ${type} | ${fixed(ms)} | ${fixed(ms / bare)} |`);
}
