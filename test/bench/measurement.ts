/** What evaluate.ts measures of one program, and prints for main.ts as one JSON line. */
export interface Measurement {
    resources: number;
    wallMs: number;
    /** Garbage collection pauses during `wallMs`. */
    gcMs: number;
    peakRssMb: number;
}

/**
 * - `component`: an EgressTlsOrigination with N walkthrough-like destinations (an in-cluster nginx TLS server each);
 * - `direct`: the resources that component registers, made directly (same classes, names and plain inputs), without it;
 * - `bare`: N plain ConfigMaps.
 */
export const PROGRAM_KINDS = ["component", "direct", "bare"] as const;
export type ProgramKind = (typeof PROGRAM_KINDS)[number];
