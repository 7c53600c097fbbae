import { fewestValuesForInterval } from "./verdicts";

// The benchmark's targets (issue 16) and the confidence its verdicts on them are given at, in one place for the
// evidence (evidence.ts), the report (report.ts) and the advice main.ts prints.

/** The component costs at most 1.10 × the same resources declared by hand, at each count; and grows no faster than that. */
export const MAX_COST_RATIO = 1.1;
/** Start-up as configured takes at most 0.5 × ts-node with type-checking. */
export const MAX_START_UP_RATIO = 0.5;
/**
 * The confidence of a verdict: a row's is judged on the 90% interval of its median, as is flatness paired run by run.
 * Flatness from unpaired rows divides two rows' medians, each from a 95% interval (FLATNESS_ROW_CONFIDENCE), so that
 * both hold, and with them the quotient's bounds, with probability at least 90%: 1 - 0.05 - 0.05 in any case, 0.95²
 * when the rows' values are independent.
 */
export const CONFIDENCE = 0.9;
export const FLATNESS_ROW_CONFIDENCE = 0.95;
/** The fewest values that give a verdict at CONFIDENCE any interval: 5 (4 hold the median only with 87.5%). */
export const FEWEST_FOR_VERDICT = fewestValuesForInterval(CONFIDENCE);
