import { CombinedRuns, pooled, processMedians, runMedian, SavedRow } from "./savedRuns";
import { fewestValuesForInterval, judgeGrowth, judgeMedian, Judgement } from "./verdicts";

// What the report's verdicts rest on. One run judges its rounds, pooled over the row's processes; saved runs judged
// together (--judge) take each process's median as one value, or, once every row has runs enough for an interval, each
// run's: processes of one run share its machine, and machines differ by more than a run's processes do
// (docs/benchmark.md, Saved runs).

/** Targets: the component ≤ 1.10 × the same resources declared by hand; ms/destination flat. */
export const MAX_COST_RATIO = 1.1;
/**
 * A row's target is judged on the 90% interval of its median. Unpaired flatness divides two rows' medians, each from a
 * 95% interval, so that both hold (and with them the quotient's bounds) with probability at least 90%: 1 - 0.05 - 0.05
 * in any case, 0.95² when the rows' values are independent.
 */
export const ROW_CONFIDENCE = 0.9;
const FLATNESS_ROW_CONFIDENCE = 0.95;

/** How flatness is judged from a group's row at its smallest count (`from`) and its row at its largest (`to`). */
export interface Flatness {
    judge(from: SavedRow, to: SavedRow): Judgement;
    /** What its interval needs, as the report says under unresolved verdicts. */
    needs: string;
}

/** What a row's verdict rests on. */
export interface Evidence {
    /** What one value is, as the report's column heads the count of them. */
    unit: string;
    values(row: SavedRow): number[];
    flatness: Flatness;
    /** How the values were made, printed above the targets; empty for one run, whose report says it itself. */
    explanation: string[];
    /** What would resolve more, printed under unresolved verdicts. */
    advice: string;
    /** A last column of the targets table, where the values have more to show. */
    detail?: { heading: string; cell(row: SavedRow): string };
}

export const fixed = (value: number, digits = 2) => value.toFixed(digits);

/**
 * Flatness from two rows whose values were measured apart (other processes): the quotient of the rows' intervals,
 * bound by bound (verdicts.ts judgeGrowth). Under the SDK's mocks a resource's cost depends on the program's size
 * whoever declares it, so the component is flat when its ratio to direct grows by at most MAX_COST_RATIO.
 */
function unpairedFlatness(values: (row: SavedRow) => number[], unit: string): Flatness {
    return {
        judge: (from, to) => judgeGrowth(values(from), values(to), MAX_COST_RATIO, FLATNESS_ROW_CONFIDENCE),
        needs: `${fewestValuesForInterval(FLATNESS_ROW_CONFIDENCE)} ${unit} in each of its rows`,
    };
}

/** One run's rounds, pooled over each row's processes (measureAndReport in main.ts). */
export function roundsEvidence(advice: string): Evidence {
    const values = (row: SavedRow) => pooled(row.processes).componentToDirectByRound;
    return { unit: "rounds", values, flatness: unpairedFlatness(values, "rounds"), explanation: [], advice };
}

/** Each run's own value per row, beside the values judged, so that the report shows whether runs agree. */
function runsColumn(runs: CombinedRuns): Evidence["detail"] {
    return { heading: "each run's median", cell: (row) => runs.runsOf(row).map(({ processes }) => fixed(runMedian(processes))).join(", ") };
}

/** Saved runs judged with the process as the unit: its median of rounds is one value. */
export function processEvidence(runs: CombinedRuns): Evidence {
    return {
        unit: "processes",
        values: (row) => processMedians(row.processes),
        flatness: unpairedFlatness((row) => processMedians(row.processes), "processes"),
        explanation: [
            "Each process's median of rounds is one value: a row's verdict rests on the median of its processes' medians, and its",
            "interval treats processes as independent. Processes of one run share that run's machine; where the runs' own medians",
            "(last column) disagree by more than the interval's width, read the interval as too narrow.",
        ],
        advice: `More saved runs of the same code add processes; with ${fewestValuesForInterval(ROW_CONFIDENCE)} runs a row, the run becomes the unit.`,
        detail: runsColumn(runs),
    };
}

/**
 * Saved runs judged with the run as the unit: its median of its processes' medians is one value. Flatness is paired by
 * run, each run's quotient of its own two rows being one value: whatever made a run's machine slow or fast weighed
 * on both its rows.
 */
export function runEvidence(runs: CombinedRuns): Evidence {
    const values = (row: SavedRow) => runs.runsOf(row).map(({ processes }) => runMedian(processes));
    return {
        unit: "runs",
        values,
        flatness: {
            judge: (from, to) => {
                const fromOfRun = new Map(runs.runsOf(from).map(({ source, processes }) => [source, runMedian(processes)]));
                const quotients = runs.runsOf(to)
                    .filter(({ source }) => fromOfRun.has(source))
                    .map(({ source, processes }) => runMedian(processes) / fromOfRun.get(source)!);
                return judgeMedian(quotients, MAX_COST_RATIO, ROW_CONFIDENCE);
            },
            needs: `${fewestValuesForInterval(ROW_CONFIDENCE)} runs with both of its rows`,
        },
        explanation: [
            "Each run is one value, its median of its processes' medians (last column): a row's verdict rests on the median of",
            "its runs' values, and flatness on each run's own quotient of its two rows. Runs of other machines and days count",
            "as independent, as processes of one run would not.",
        ],
        advice: "More saved runs of the same code narrow the intervals.",
        detail: runsColumn(runs),
    };
}

/** The honest unit for saved runs: the run, once every row has enough of them for an interval; until then the process. */
export function savedRunsEvidence(runs: CombinedRuns): Evidence {
    const enoughRuns = runs.rows.every((row) => runs.runsOf(row).length >= fewestValuesForInterval(ROW_CONFIDENCE));
    return enoughRuns ? runEvidence(runs) : processEvidence(runs);
}

