import * as assert from "assert";
import { Measurement } from "./bench/measurement";
import { destinationCounts } from "./bench/options";
import { pooled } from "./bench/savedRuns";
import { fewestValuesForInterval, halfBinomialAtMost, judgeGrowth, judgeMedian, MAX_INTERVAL_VALUES, medianInterval, verdictAtMost } from "./bench/verdicts";

// The benchmark judges its targets on confidence intervals for medians of paired rounds (test/bench/verdicts.ts): here,
// that the intervals are the sign test's, that they hold the median as often as they say, and how verdicts follow.

/** A seeded generator of uniform numbers in [0, 1) (mulberry32), so the coverage checks are the same on every run. */
function uniform(seed: number): () => number {
    let state = seed;
    return () => {
        state = (state + 0x6d2b79f5) | 0;
        let t = Math.imul(state ^ (state >>> 15), 1 | state);
        t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
        return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
}

/** Exponentially distributed values, skewed like rounds a busy machine slows down; their median is ln 2. */
const exponential = (random: () => number) => () => -Math.log(1 - random());

function binomial(n: number, k: number): number {
    let value = 1;
    for (let i = 1; i <= k; i++) value = (value * (n - k + i)) / i;
    return value;
}

describe("benchmark verdicts: intervals for a median of rounds", () => {
    it("computes P(X ≤ j) for X ~ Binomial(n, ½) exactly", () => {
        assert.strictEqual(halfBinomialAtMost(4, 0), 1 / 16);
        assert.strictEqual(halfBinomialAtMost(9, 1), 10 / 512);
        for (const n of [1, 7, 20, 60]) {
            let sum = 0;
            for (let j = 0; j <= n; j++) {
                sum += binomial(n, j) / 2 ** n;
                assert.ok(Math.abs(halfBinomialAtMost(n, j) - sum) < 1e-12, `n=${n}, j=${j}`);
            }
            assert.ok(Math.abs(halfBinomialAtMost(n, n) - 1) < 1e-12);
        }
    });

    it("takes the sign test's order statistics, whatever order the rounds come in", () => {
        // 1 to n, shuffled by stepping 7 at a time (every n used here is coprime to 7, so each value comes once).
        const rounds = (n: number) => Array.from({ length: n }, (_, i) => ((i * 7) % n) + 1);
        assert.strictEqual(medianInterval([], 0.9), undefined);
        assert.strictEqual(medianInterval(rounds(4), 0.9), undefined, "4 values hold the median only with 87.5%");
        assert.deepStrictEqual(medianInterval(rounds(5), 0.9), { low: 1, high: 5, coverage: 1 - 2 / 32 });
        assert.deepStrictEqual(medianInterval(rounds(9), 0.9), { low: 2, high: 8, coverage: 1 - (2 * 10) / 512 });
        const thirty = medianInterval(rounds(30), 0.9)!;
        assert.deepStrictEqual([thirty.low, thirty.high], [11, 20]);
        assert.ok(thirty.coverage >= 0.9 && thirty.coverage < 0.91);
        assert.strictEqual(medianInterval(rounds(5), 0.95), undefined, "5 values are too few at 95%");
        assert.deepStrictEqual(medianInterval(rounds(6), 0.95), { low: 1, high: 6, coverage: 1 - 2 / 64 });
        assert.deepStrictEqual([fewestValuesForInterval(0.9), fewestValuesForInterval(0.95)], [5, 6]);
        assert.deepStrictEqual(medianInterval([1.1, 1.1, 1.0, 1.1, 1.2], 0.9), { low: 1.0, high: 1.2, coverage: 1 - 2 / 32 }, "ties");
        assert.throws(() => medianInterval(new Array(MAX_INTERVAL_VALUES + 1).fill(1), 0.9), /at most 1000 values/);
        assert.throws(() => medianInterval(rounds(9), 1), /between 0 and 1/);
        assert.throws(() => medianInterval(rounds(9), 0), /between 0 and 1/);
    });

    it("holds the true median of a skewed distribution as often as its coverage says", () => {
        const draw = exponential(uniform(2026));
        const trueMedian = Math.LN2;
        for (const [n, confidence] of [[5, 0.9], [8, 0.9], [9, 0.9], [30, 0.9], [6, 0.95], [8, 0.95], [30, 0.95]]) {
            const trials = 4000;
            let held = 0;
            let coverage = 0;
            for (let t = 0; t < trials; t++) {
                const interval = medianInterval(Array.from({ length: n }, draw), confidence)!;
                coverage = interval.coverage;
                if (interval.low <= trueMedian && trueMedian <= interval.high) held++;
            }
            assert.ok(coverage >= confidence);
            // 0.02 is about four standard errors of a fraction over 4,000 trials near 0.9.
            assert.ok(Math.abs(held / trials - coverage) < 0.02, `n=${n} at ${confidence}: held ${held / trials}, coverage ${coverage}`);
        }
    });
});

describe("benchmark verdicts: met, MISSED or unresolved", () => {
    it("meets a target only when the whole interval is within it, and misses it only when all of it is beyond", () => {
        const interval = (low: number, high: number) => ({ low, high, coverage: 0.9 });
        assert.strictEqual(verdictAtMost(interval(0.95, 1.1), 1.1), "met");
        assert.strictEqual(verdictAtMost(interval(1.05, 1.12), 1.1), "unresolved");
        assert.strictEqual(verdictAtMost(interval(1.1, 1.2), 1.1), "unresolved");
        assert.strictEqual(verdictAtMost(interval(1.11, 1.2), 1.1), "MISSED");
        assert.strictEqual(verdictAtMost(undefined, 1.1), "unresolved");
    });

    it("judges a row on its rounds: a median under the target with rounds too few or too spread is unresolved", () => {
        assert.deepStrictEqual(judgeMedian([1.0, 1.02, 0.98, 1.05, 1.01], 1.1, 0.9), { value: 1.01, interval: { low: 0.98, high: 1.05, coverage: 0.9375 }, verdict: "met" });
        assert.strictEqual(judgeMedian([1.05, 0.8, 1.3, 1.0, 1.2], 1.1, 0.9).verdict, "unresolved");
        assert.deepStrictEqual(judgeMedian([0.9], 1.1, 0.9), { value: 0.9, interval: undefined, verdict: "unresolved" });
        assert.strictEqual(judgeMedian([1.2, 1.15, 1.3, 1.25, 1.18], 1.1, 0.9).verdict, "MISSED");
    });

    it("judges flatness on the quotient of the two rows' intervals, bound by bound", () => {
        const from = [1.0, 1.02, 0.98, 1.05, 1.01, 0.99];
        const to = [1.04, 1.0, 1.06, 0.97, 1.02, 1.03];
        // Six rounds each: at 95% each row's interval is its lowest to highest round, holding its median with 1 - 2/64.
        const growth = judgeGrowth(from, to, 1.1, 0.95);
        assert.deepStrictEqual(growth.interval, { low: 0.97 / 1.05, high: 1.06 / 0.98, coverage: (31 / 32) ** 2 });
        assert.strictEqual(growth.value, 1.025 / 1.005);
        assert.strictEqual(growth.verdict, "met");
        assert.strictEqual(judgeGrowth(from, to.map((r) => r * 1.12), 1.1, 0.95).verdict, "unresolved", "1.03 to 1.21 spans 1.10");
        assert.strictEqual(judgeGrowth(from, to.map((r) => r * 1.3), 1.1, 0.95).verdict, "MISSED", "1.20 to 1.41");
        assert.strictEqual(judgeGrowth(from, [1.2], 1.1, 0.95).verdict, "unresolved", "a single round at N = 100 gives no interval");
    });

    it("gives flatness intervals that hold the true quotient at least as often as they say", () => {
        const draw = exponential(uniform(7));
        const trueQuotient = 1; // both rows drawn from one distribution
        const trials = 4000;
        let held = 0;
        let coverage = 0;
        for (let t = 0; t < trials; t++) {
            const { interval } = judgeGrowth(Array.from({ length: 9 }, draw), Array.from({ length: 7 }, draw), 1.1, 0.95);
            coverage = interval!.coverage;
            if (interval!.low <= trueQuotient && trueQuotient <= interval!.high) held++;
        }
        assert.ok(coverage > 0.9);
        assert.ok(held / trials >= coverage - 0.02, `held ${held / trials}, coverage ${coverage}`);
    });
});

describe("benchmark verdicts: rounds pooled from several processes", () => {
    const figures = (wallMs: number, evaluations: number) => ({ resources: 10, wallMs, gcMs: wallMs / 10, evaluations });
    const measurement = (byRound: number[], wallMs: number): Measurement => ({
        figures: { component: figures(wallMs * 1.1, byRound.length), direct: figures(wallMs, byRound.length), bare: figures(wallMs * 0.9, 3) },
        componentToBare: 1 + wallMs / 1000,
        componentToDirectByRound: byRound,
        rounds: byRound.length,
        measuredCode: "sha256:0123456789abcdef",
    });

    it("judges every round of every process together, and takes the median of the processes' figures", () => {
        const all = pooled([measurement([1.0, 1.2, 1.1], 100), measurement([1.05, 0.95], 300), measurement([1.3, 1.02], 200)]);
        assert.deepStrictEqual(all.componentToDirectByRound, [1.0, 1.2, 1.1, 1.05, 0.95, 1.3, 1.02]);
        // Judged on all seven rounds: their median, not the median of the processes' (1.1, 1.0, 1.16).
        assert.strictEqual(judgeMedian(all.componentToDirectByRound, 1.1, 0.9).value, 1.05);
        assert.strictEqual(all.rounds, 7);
        assert.deepStrictEqual(all.figures.direct, { resources: 10, wallMs: 200, gcMs: 20, evaluations: 7 });
        assert.strictEqual(all.figures.bare.evaluations, 9);
        assert.strictEqual(all.componentToBare, 1.2);
        assert.deepStrictEqual([all.figures.component.wallMs, all.figures.bare.wallMs], [200 * 1.1, 200 * 0.9]);
        assert.strictEqual(pooled([measurement([1.1], 100)]).componentToDirectByRound.length, 1);
    });

    it("refuses processes that registered different resources, and nothing at all", () => {
        const other = measurement([1.0], 100);
        other.figures.component.resources = 11;
        assert.throws(() => pooled([measurement([1.0], 100), other]), /component registered 10 then 11 resources/);
        assert.throws(() => pooled([]), /nothing to pool/);
    });
});

describe("benchmark destination counts (BENCH_COUNTS)", () => {
    it("takes distinct whole numbers, in the order given", () => {
        assert.deepStrictEqual(destinationCounts("10,100"), [10, 100]);
        assert.deepStrictEqual(destinationCounts("100"), [100]);
    });

    it("refuses what is not a whole number of destinations, or a count given twice, which flatness would judge against itself", () => {
        for (const asked of ["", "x", "10,", "0,10", "2.5", "-1", "10,10"]) {
            assert.throws(() => destinationCounts(asked), /BENCH_COUNTS must be distinct whole numbers/, asked);
        }
    });
});
