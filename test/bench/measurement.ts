/** The programs one benchmark process evaluates, taking turns (see evaluate.ts). */
export const PROGRAM_KINDS = ["component", "direct", "bare"] as const;
export type ProgramKind = (typeof PROGRAM_KINDS)[number];

/** One program's figures in one benchmark process: medians over its timed evaluations. */
export interface ProgramFigures {
    resources: number;
    wallMs: number;
    /** Garbage collection pauses during `wallMs`. */
    gcMs: number;
    /** Timed evaluations the medians are of (bare's: the first rounds only). */
    evaluations: number;
}

/** What evaluate.ts prints for main.ts as one JSON line. */
export interface Measurement {
    figures: { [kind in ProgramKind]: ProgramFigures };
    /**
     * Medians of each round's ratios (the programs ran back to back, under the same load): of whole evaluations for the
     * component (bare has as many resources as it), of ms/resource for direct against bare.
     */
    ratios: { componentToDirect: number; componentToBare: number; directToBare: number };
    /** Each round's component ÷ direct, whose median is `ratios.componentToDirect`: how much the rounds agree. */
    componentToDirectByRound: number[];
    /** Rounds of component and direct (bare takes part in the first three at most). */
    rounds: number;
}

/** resourceTypes.ts's key for the bare program's ConfigMap, next to resource type tokens. */
export const BARE_CONFIG_MAP = "bare ConfigMap";

/** The middle value; the mean of the two middle values for an even count. */
export function median(values: number[]): number {
    const sorted = [...values].sort((a, b) => a - b);
    const middle = Math.floor(sorted.length / 2);
    return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}
