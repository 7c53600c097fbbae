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

/** BENCH_COUNTS: distinct whole numbers of destinations; with one, there is nothing to judge flatness on. */
export function destinationCounts(asked: string): number[] {
    const counts = asked.split(",").map(Number);
    if (counts.some((count) => !Number.isInteger(count) || count < 1) || new Set(counts).size !== counts.length) {
        throw new Error(`BENCH_COUNTS must be distinct whole numbers of destinations, separated by commas, not ${JSON.stringify(asked)}`);
    }
    return counts;
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
}

/**
 * One row's measurements from several processes as one: every round's component ÷ direct (so their median's interval
 * takes in how processes differ as well as how rounds do); rounds and evaluations summed; each other figure and
 * component ÷ bare the median of the processes'.
 */
export function pooled(measurements: Measurement[]): Measurement {
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

/** resourceTypes.ts's key for the bare program's ConfigMap, next to resource type tokens. */
export const BARE_CONFIG_MAP = "bare ConfigMap";

/** The middle value; the mean of the two middle values for an even count. */
export function median(values: number[]): number {
    const sorted = [...values].sort((a, b) => a - b);
    const middle = Math.floor(sorted.length / 2);
    return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

/** Where the median of what was sampled lies, with the probability that it does (distribution-free; medianInterval). */
export interface Interval {
    low: number;
    high: number;
    /** The probability that an interval made this way holds the median: at least the confidence asked for. */
    coverage: number;
}

/**
 * Most values medianInterval takes: 2⁻ⁿ, where its binomial sums start, underflows to 0 beyond 1,074, and no benchmark
 * row comes near (`--precise` stops at 150 rounds).
 */
export const MAX_INTERVAL_VALUES = 1000;

/**
 * A confidence interval for the median of the distribution `values` were drawn from, each independently: the k-th
 * lowest and k-th highest values, k as large as the binomial distribution allows at `confidence` (the sign test's
 * interval). It assumes nothing about the distribution's shape, which for rounds on a busy machine is skewed. Undefined
 * when there are too few values for any such interval (fewestValuesForInterval): fewer than 5 at 90%, since even the
 * lowest and highest of 4 hold the median only with probability 1 - 2 × 2⁻⁴ = 87.5%.
 */
export function medianInterval(values: number[], confidence: number): Interval | undefined {
    if (!(confidence > 0 && confidence < 1)) throw new Error(`a confidence is between 0 and 1, not ${confidence}`);
    const n = values.length;
    if (n > MAX_INTERVAL_VALUES) throw new Error(`an interval is computed for at most ${MAX_INTERVAL_VALUES} values, not ${n}`);
    const outside = (1 - confidence) / 2;
    let k = 0;
    while (halfBinomialAtMost(n, k) <= outside) k++;
    if (k === 0) return undefined;
    const sorted = [...values].sort((a, b) => a - b);
    return { low: sorted[k - 1], high: sorted[n - k], coverage: 1 - 2 * halfBinomialAtMost(n, k - 1) };
}

/** The fewest values that give medianInterval an interval at `confidence`: with fewer, even the lowest and highest are too likely to miss. */
export function fewestValuesForInterval(confidence: number): number {
    let n = 1;
    while (halfBinomialAtMost(n, 0) > (1 - confidence) / 2) n++;
    return n;
}

/** P(X ≤ j) for X ~ Binomial(n, ½): the chance that at most j of n values fall below their distribution's median. */
export function halfBinomialAtMost(n: number, j: number): number {
    let term = 0.5 ** n;
    let sum = 0;
    for (let i = 0; i <= j && i <= n; i++) {
        sum += term;
        term *= (n - i) / (i + 1);
    }
    return sum;
}
