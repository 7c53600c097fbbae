/** What evaluate.ts measures of one evaluation of a program, and prints for main.ts as one JSON line. */
export interface Measurement {
    resources: number;
    /** Mean over the timed evaluations. */
    wallMs: number;
    /** Garbage collection pauses during `wallMs`, mean over the timed evaluations. */
    gcMs: number;
    peakRssMb: number;
}

/**
 * - `component`: an EgressTlsOrigination with N destinations of one kind (see DESTINATION_KINDS);
 * - `direct`: the resources that component registers, made directly (same classes, names and plain inputs), without it;
 * - `bare`: as many plain ConfigMaps as the component registers resources.
 */
export const PROGRAM_KINDS = ["component", "direct", "bare"] as const;
export type ProgramKind = (typeof PROGRAM_KINDS)[number];

/**
 * - `outside`: services outside the cluster, SIMPLE, their CA brought (`caCertPem`): what the component is for. Nothing is
 *   signed, so only Kubernetes objects are registered.
 * - `in-cluster`: the walkthrough's destination N times: an nginx TLS server in the cluster each, with a CA and a server
 *   certificate made with @pulumi/tls.
 */
export const DESTINATION_KINDS = ["outside", "in-cluster"] as const;
export type DestinationKind = (typeof DESTINATION_KINDS)[number];

/** resourceTypes.ts's key for the bare program's ConfigMap, next to resource type tokens. */
export const BARE_CONFIG_MAP = "bare ConfigMap";

/** The middle value; the mean of the two middle values for an even count. */
export function median(values: number[]): number {
    const sorted = [...values].sort((a, b) => a - b);
    const middle = Math.floor(sorted.length / 2);
    return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}
