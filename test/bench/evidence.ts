import { fixed } from "./report";
import { CombinedRuns, pooled, processMedians, runMedian, SavedRow } from "./savedRuns";
import { CONFIDENCE, FEWEST_FOR_VERDICT, FLATNESS_ROW_CONFIDENCE, MAX_COST_RATIO } from "./targets";
import { fewestValuesForInterval, judgeGrowth, judgeMedian, Judgement } from "./verdicts";

// What the report's verdicts rest on. One run judges its rounds, pooled over each row's processes. Saved runs judged
// together (--judge) take each process's median as one value, since a process's rounds are closer to one another than
// to another process's; or, once every row has enough runs for an interval, each run's, since a run's processes share
// its machine's state (docs/benchmark.md, Saved runs).

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
    /** How the values were made, printed above the targets. */
    explanation: string[];
    /** What would resolve more, printed under unresolved verdicts. */
    advice: string;
    /** A last column of the targets table, where the values have more to show. */
    detail?: { heading: string; cell(row: SavedRow): string };
}

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

/** One run's rounds, pooled over each row's processes (main.ts, measuring). */
export function roundsEvidence(explanation: string[], advice: string): Evidence {
    const values = (row: SavedRow) => pooled(row.processes).componentToDirectByRound;
    return { unit: "rounds", values, flatness: unpairedFlatness(values, "rounds"), explanation, advice };
}

/** Each run's one value for a row (savedRuns.ts runMedian), by the file it was read from. */
function runValues(runs: CombinedRuns, row: SavedRow): Map<string, number> {
    return new Map(runs.runsOf(row).map(({ source, processes }) => [source, runMedian(processes)]));
}

/** Each run's own value per row, beside the values judged, so that the report shows whether runs agree. */
function runsColumn(runs: CombinedRuns): Evidence["detail"] {
    return { heading: "each run's median", cell: (row) => [...runValues(runs, row).values()].map((value) => fixed(value)).join(", ") };
}

/** The rows with too few runs for an interval over runs. */
function rowsShortOfRuns(runs: CombinedRuns): SavedRow[] {
    return runs.rows.filter((row) => runs.runsOf(row).length < FEWEST_FOR_VERDICT);
}

/** Saved runs judged with the process as the unit, as they are while some row is short of runs. */
export function processEvidence(runs: CombinedRuns): Evidence {
    const values = (row: SavedRow) => processMedians(row.processes);
    const shortRows = rowsShortOfRuns(runs);
    const short = shortRows.length === runs.rows.length
        ? "every row has fewer now"
        : `fewer now: ${shortRows.length === 0 ? "none" : shortRows.map((row) => `${row.scenario} ${row.destinations} ${row.kind}`).join(", ")}`;
    return {
        unit: "processes",
        values,
        flatness: unpairedFlatness(values, "processes"),
        explanation: [
            "Each process's median of rounds is one value: a row's verdict rests on the median of its processes' medians, and its",
            "interval treats processes as independent. Processes of one run share that run's machine; where the runs' own medians",
            "(last column) disagree by more than the interval's width, read the interval as too narrow.",
        ],
        advice: `More saved runs of the same code add processes; once every row has ${FEWEST_FOR_VERDICT} runs, the run becomes the unit (${short}).`,
        detail: runsColumn(runs),
    };
}

/**
 * Saved runs judged with the run as the unit: its median of its processes' medians is one value. Flatness is paired by
 * run: each run's quotient of its own two rows is one value, so whatever made a run's machine slow or fast, weighing
 * on both of its rows, divides out. Its estimate is the median of those quotients, not the quotient of the rows' medians.
 */
export function runEvidence(runs: CombinedRuns): Evidence {
    return {
        unit: "runs",
        values: (row) => [...runValues(runs, row).values()],
        flatness: {
            judge: (from, to) => {
                const fromOfRun = runValues(runs, from);
                const quotients = [...runValues(runs, to)]
                    .filter(([source]) => fromOfRun.has(source))
                    .map(([source, value]) => value / fromOfRun.get(source)!);
                return judgeMedian(quotients, MAX_COST_RATIO, CONFIDENCE);
            },
            needs: `${FEWEST_FOR_VERDICT} runs with both of its rows`,
        },
        explanation: [
            "Each run is one value, its median of its processes' medians (last column): a row's verdict rests on the median of",
            "its runs' values, and flatness on the median of each run's own quotient of its two rows. The intervals treat runs",
            "as independent; runs back to back on one machine share more of its state than runs on different ones (listed above).",
        ],
        advice: "More saved runs of the same code, on other machines, narrow the intervals.",
        detail: runsColumn(runs),
    };
}

/** The honest unit for saved runs: the run, once every row has enough of them for an interval; until then the process. */
export function savedRunsEvidence(runs: CombinedRuns): Evidence {
    return rowsShortOfRuns(runs).length === 0 ? runEvidence(runs) : processEvidence(runs);
}
