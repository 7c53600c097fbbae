import { median } from "./measurement";

// How the benchmark judges a target from its values (a run's rounds, or saved runs' processes or runs: evidence.ts):
// on a confidence interval, never on a median alone. On a 2-core machine one round's component ÷ direct can be 0.8 or
// 1.3 where the median is 1.05, so a median of a few rounds falls either side of 1.10 by chance; a verdict says which,
// or that there were too few values to tell.

/** met: the whole interval is within the target; MISSED: all of it is beyond; unresolved: it spans the target, or there is none. */
export type Verdict = "met" | "MISSED" | "unresolved";

export interface Judgement {
    /** The estimate: a median of the values, or for flatness a quotient of two rows' medians, or the median of runs' own quotients. */
    value: number;
    /** Where the true value lies with the interval's coverage; undefined with too few values. */
    interval?: Interval;
    verdict: Verdict;
}

/** The verdict on "at most `target`" for a value known to lie within `interval`. */
export function verdictAtMost(interval: Interval | undefined, target: number): Verdict {
    if (interval === undefined) return "unresolved";
    if (interval.high <= target) return "met";
    return interval.low > target ? "MISSED" : "unresolved";
}

/** The median of `values` (a row's rounds', processes' or runs' component ÷ direct, or runs' flatness quotients), judged against "at most `target`" at `confidence`. */
export function judgeMedian(values: number[], target: number, confidence: number): Judgement {
    const interval = medianInterval(values, confidence);
    return { value: median(values), interval, verdict: verdictAtMost(interval, target) };
}

/**
 * Flatness: the largest count's component ÷ direct over the smallest's, at most `target`. Its interval divides the
 * rows' intervals (each at `rowConfidence`; ratios are positive) bound by bound: when both rows' medians are within
 * theirs, the quotient is within it. That happens with probability at least 1 - 2 × (1 - rowConfidence) in any case;
 * `coverage` is the product, which holds only when the rows' values are independent (separate processes, but a run's
 * machine state can link them), so the first bound is the one relied on.
 */
export function judgeGrowth(fromValues: number[], toValues: number[], target: number, rowConfidence: number): Judgement {
    const from = medianInterval(fromValues, rowConfidence);
    const to = medianInterval(toValues, rowConfidence);
    const interval = from && to
        ? { low: to.low / from.high, high: to.high / from.low, coverage: to.coverage * from.coverage }
        : undefined;
    return { value: median(toValues) / median(fromValues), interval, verdict: verdictAtMost(interval, target) };
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
