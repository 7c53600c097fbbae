/** The programs one benchmark process evaluates, taking turns (see evaluate.ts). */
export const PROGRAM_KINDS = ["component", "direct", "bare"] as const;
export type ProgramKind = (typeof PROGRAM_KINDS)[number];

/** One program's figures in a row: medians over its timed evaluations in one process (pooled: the median of the processes' medians). */
export interface ProgramFigures {
    resources: number;
    wallMs: number;
    /** Garbage collection pauses during `wallMs`. */
    gcMs: number;
    /** Timed evaluations behind the figures, in all of the row's processes (bare's: the first rounds only). */
    evaluations: number;
}

/**
 * How many rounds a row gets: at least `min`, then more while fewer than `max` have run and less than `budgetMs` of
 * evaluations have been timed. main.ts sets it (its defaults and `--precise`; BENCH_ROUNDS fixes the count).
 */
export interface RoundPlan {
    min: number;
    max: number;
    budgetMs: number;
}

/** The command line main.ts gives evaluate.ts for a row. */
export function evaluationArguments(scenarioName: string, kind: string, count: number, plan: RoundPlan): string[] {
    return [scenarioName, kind, String(count), String(plan.min), String(plan.max), String(plan.budgetMs)];
}

/** What evaluate.ts prints for main.ts as one JSON line. */
export interface Measurement {
    figures: { [kind in ProgramKind]: ProgramFigures };
    /** The median of the bare rounds' component ÷ bare, whole evaluations (bare has as many resources as the component). */
    componentToBare: number;
    /** Each round's component ÷ direct (the two ran back to back, under the same load): main.ts judges their median. */
    componentToDirectByRound: number[];
    /** Rounds of component and direct (bare takes part in the first three at most). */
    rounds: number;
    /** What was measured (measuredCode.ts): saved runs are judged together only when it is the same. */
    measuredCode: string;
}

/** resourceTypes.ts's key for the bare program's ConfigMap, next to resource type tokens. */
export const BARE_CONFIG_MAP = "bare ConfigMap";

/** The middle value; the mean of the two middle values for an even count. */
export function median(values: number[]): number {
    const sorted = [...values].sort((a, b) => a - b);
    const middle = Math.floor(sorted.length / 2);
    return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}
