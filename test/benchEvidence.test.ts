import * as assert from "assert";
import { processEvidence, roundsEvidence, runEvidence, savedRunsEvidence } from "./bench/evidence";
import { combineRuns, SavedRun } from "./bench/savedRuns";
import { judgeMedian } from "./bench/verdicts";
import { row, run } from "./support/savedRuns";

// What saved runs judged together rest on (test/bench/evidence.ts): each process's median, or each run's once every row
// has five runs, since a run's processes share its machine.

/**
 * Runs whose machines differ: run i's three processes sit near `machines[i]`, its N = 100 row `growth` × its N = 10 row
 * (`growth[i]` when a list).
 */
function runsOnMachines(machines: number[], growth: number | number[]): { source: string; run: SavedRun }[] {
    return machines.map((level, i) => {
        const levels = [level - 0.005, level, level + 0.005];
        const grown = typeof growth === "number" ? growth : growth[i];
        return { source: `run-${i}`, run: run([row(10, levels), row(100, levels.map((l) => l * grown))]) };
    });
}

const rounded = (value: number) => Number(value.toFixed(3));

describe("benchmark evidence: one run's rounds", () => {
    it("judges every round of a row's processes, and flatness on the quotient of two rows' intervals", () => {
        const [from, to] = [row(10, [1.02, 1.05]), row(100, [1.03, 1.06])];
        const evidence = roundsEvidence(["Rounds (--precise): …"], "More rounds.");
        assert.strictEqual(evidence.values(from).length, 60);
        assert.strictEqual(evidence.flatness.needs, "6 rounds in each of its rows");
        const flatness = evidence.flatness.judge(from, to);
        assert.ok(flatness.interval!.low < 1 && flatness.interval!.high > 1.01, "the rows' spreads divide into each other");
        assert.strictEqual(evidence.detail, undefined);
    });
});

describe("benchmark evidence: the unit saved runs are judged by", () => {
    it("takes each process's median while some row has fewer than five runs, and each run's from five runs a row", () => {
        assert.strictEqual(savedRunsEvidence(combineRuns(runsOnMachines([1.0, 1.1, 1.05, 1.02], 1.0))).unit, "processes");
        const five = combineRuns(runsOnMachines([1.0, 1.1, 1.05, 1.02, 1.07], 1.0));
        const evidence = savedRunsEvidence(five);
        assert.strictEqual(evidence.unit, "runs");
        assert.deepStrictEqual(evidence.values(five.rows[0]).map(rounded), [1.0, 1.1, 1.05, 1.02, 1.07]);
        assert.strictEqual(evidence.detail!.cell(five.rows[0]), "1.00, 1.10, 1.05, 1.02, 1.07");
        // A sixth run with only the N = 10 row leaves N = 100 with five: still enough; a row with four is not.
        const sixth = runsOnMachines([1.03], 1.0).map(({ run: whole }) => ({ source: "run-5", run: { ...whole, rows: [whole.rows[0]] } }));
        assert.strictEqual(savedRunsEvidence(combineRuns([...runsOnMachines([1.0, 1.1, 1.05, 1.02, 1.07], 1.0), ...sixth])).unit, "runs");
        const short = runsOnMachines([1.0, 1.1, 1.05, 1.02, 1.07], 1.0).map(({ source, run: whole }, i) => ({ source, run: i === 0 ? { ...whole, rows: [whole.rows[0]] } : whole }));
        const byProcess = savedRunsEvidence(combineRuns(short));
        assert.strictEqual(byProcess.unit, "processes");
        assert.match(byProcess.advice, /once every row has 5 runs, the run becomes the unit \(fewer now: waypoint 100 outside\)\.$/);
        assert.strictEqual(byProcess.flatness.needs, "6 processes in each of its rows");
        assert.match(savedRunsEvidence(combineRuns(runsOnMachines([1.0, 1.1], 1.0))).advice, /the run becomes the unit \(every row has fewer now\)\.$/);
    });

    it("gives the interval of the runs' values, which processes that share a machine would make narrower than it is", () => {
        const combined = combineRuns(runsOnMachines([1.04, 1.06, 1.07, 1.08, 1.13], 1.0));
        const [small] = combined.rows;
        const byRun = runEvidence(combined);
        const byProcess = processEvidence(combined);
        assert.deepStrictEqual([byRun.values(small).length, byProcess.values(small).length], [5, 15]);
        // Five runs: the lowest and highest hold the median with 1 - 2/32 = 93.75%, and 1.13 is beyond the target.
        const runJudgement = judgeMedian(byRun.values(small), 1.1, 0.9);
        assert.deepStrictEqual([rounded(runJudgement.interval!.low), rounded(runJudgement.interval!.high), runJudgement.verdict], [1.04, 1.13, "unresolved"]);
        // The same fifteen processes as independent values: an interval that leaves out the fifth machine.
        const processJudgement = judgeMedian(byProcess.values(small), 1.1, 0.9);
        assert.strictEqual(processJudgement.verdict, "met");
    });

    it("judges flatness run by run, so machines that differ do not hide a flat component, nor one that grows", () => {
        const machines = [0.98, 1.04, 1.1, 1.16, 1.22];
        const flat = combineRuns(runsOnMachines(machines, 1.02));
        const [from, to] = flat.rows;
        const paired = runEvidence(flat).flatness.judge(from, to);
        assert.deepStrictEqual([rounded(paired.value), rounded(paired.interval!.low), rounded(paired.interval!.high), paired.verdict], [1.02, 1.02, 1.02, "met"]);
        // Unpaired, the machines' spread divides into itself: the interval spans the target.
        assert.strictEqual(processEvidence(flat).flatness.judge(from, to).verdict, "unresolved");
        const growing = combineRuns(runsOnMachines(machines, 1.2));
        assert.strictEqual(runEvidence(growing).flatness.judge(growing.rows[0], growing.rows[1]).verdict, "MISSED");
        assert.match(runEvidence(flat).flatness.needs, /^5 runs with both of its rows$/);
    });

    it("takes the interval of the runs' quotients from their order statistics, as for a row", () => {
        // Eight runs: the 90% interval of their median runs from the 2nd lowest to the 2nd highest quotient.
        const quotients = [1.01, 1.09, 1.03, 1.12, 1.05, 1.02, 1.07, 1.04];
        const combined = combineRuns(runsOnMachines([1.0, 1.1, 0.95, 1.05, 1.2, 0.98, 1.02, 1.08], quotients));
        const judgement = runEvidence(combined).flatness.judge(combined.rows[0], combined.rows[1]);
        assert.deepStrictEqual([judgement.interval!.low, judgement.interval!.high, judgement.value].map(rounded), [1.02, 1.09, 1.045]);
        assert.strictEqual(judgement.verdict, "met");
    });

    it("pairs each run's rows with each other, leaving out a run that has only one of them", () => {
        const runs = runsOnMachines([1.5, 1.02, 1.04, 1.06, 1.08, 1.0], 1.02);
        // The first run's N = 100 row alone (its machine far slower): paired with any other run's N = 10 row, it would
        // read as a growth of 1.4 or more; left out, the five pairs agree on 1.02.
        runs[0].run = { ...runs[0].run, rows: [runs[0].run.rows[1]] };
        const combined = combineRuns(runs);
        const [from, to] = [combined.rows.find((r) => r.destinations === 10)!, combined.rows.find((r) => r.destinations === 100)!];
        const judgement = runEvidence(combined).flatness.judge(from, to);
        assert.deepStrictEqual([rounded(judgement.value), rounded(judgement.interval!.low), rounded(judgement.interval!.high), judgement.verdict], [1.02, 1.02, 1.02, "met"]);
        const fourPairs = combineRuns(runsOnMachines([1.0, 1.02, 1.04, 1.06], 1.02));
        assert.strictEqual(runEvidence(fourPairs).flatness.judge(fourPairs.rows[0], fourPairs.rows[1]).interval, undefined);
    });
});
