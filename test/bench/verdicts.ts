import { Interval, median, medianInterval } from "./measurement";

// How the benchmark judges a target from paired rounds: on a confidence interval, never on a median alone. On a 2-core
// machine one round's component ÷ direct can be 0.8 or 1.3 where the median is 1.05, so a median of a few rounds
// falls either side of 1.10 by chance; a verdict says which, or that the run was too short to tell.

/** met: the whole interval is within the target; MISSED: all of it is beyond; unresolved: it spans the target, or there is none. */
export type Verdict = "met" | "MISSED" | "unresolved";

export interface Judgement {
    /** The estimate: a median of rounds, or for flatness a quotient of two. */
    value: number;
    /** Where the true value lies with the interval's coverage; undefined with too few rounds. */
    interval?: Interval;
    verdict: Verdict;
}

/** The verdict on "at most `target`" for a value known to lie within `interval`. */
export function verdictAtMost(interval: Interval | undefined, target: number): Verdict {
    if (interval === undefined) return "unresolved";
    if (interval.high <= target) return "met";
    return interval.low > target ? "MISSED" : "unresolved";
}

/** A row's component ÷ direct from its rounds' ratios, judged against "at most `target`" at `confidence`. */
export function judgeRounds(byRound: number[], target: number, confidence: number): Judgement {
    const interval = medianInterval(byRound, confidence);
    return { value: median(byRound), interval, verdict: verdictAtMost(interval, target) };
}

/**
 * Flatness: the largest count's component ÷ direct over the smallest's, at most `target`. Its interval divides the
 * rows' intervals (each at `rowConfidence`; ratios are positive) bound by bound: when both rows' medians are within
 * theirs, the quotient is within it. That happens with probability at least 1 - 2 × (1 - rowConfidence) in any case;
 * `coverage` is the product, which holds for rows measured in independent processes, as the benchmark's are.
 */
export function judgeGrowth(fromRounds: number[], toRounds: number[], target: number, rowConfidence: number): Judgement {
    const from = medianInterval(fromRounds, rowConfidence);
    const to = medianInterval(toRounds, rowConfidence);
    const interval = from && to
        ? { low: to.low / from.high, high: to.high / from.low, coverage: to.coverage * from.coverage }
        : undefined;
    return { value: median(toRounds) / median(fromRounds), interval, verdict: verdictAtMost(interval, target) };
}
