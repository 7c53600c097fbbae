import { Destination, EgressTlsOriginationArgs } from "../../components";
import { OUTSIDE_CA_PEM } from "../support/fixtures";
import { devStackArgs } from "../support/scenarios";
import { declareIstioDirectly } from "./direct/istio";

/**
 * - `outside`: services outside the cluster, SIMPLE, their CA brought (`caCertPem`): what the component is for. Nothing is
 *   signed, so only Kubernetes objects are registered.
 * - `in-cluster`: the walkthrough's destination N times: an nginx TLS server in the cluster each, with a CA and a server
 *   certificate made with @pulumi/tls.
 */
export const DESTINATION_KINDS = ["outside", "in-cluster"] as const;
export type DestinationKind = (typeof DESTINATION_KINDS)[number];

/** One benchmark destination as plain data: what both the component's args and the hand-written program start from. */
export interface BenchDestination {
    name: string;
    host: string;
    /** Outside destinations bring their CA; in-cluster ones get a server and a CA made for them. */
    caCertPem?: string;
}

export function benchDestinations(kind: DestinationKind, count: number): BenchDestination[] {
    return Array.from({ length: count }, (_, i) => kind === "outside"
        ? { name: `api${i}`, host: `api${i}.partner.example.org`, caCertPem: OUTSIDE_CA_PEM }
        : { name: `svc${i}`, host: `svc${i}.mesh-external.svc.cluster.local` });
}

/** The component's args for `destinations`, on the dev stack's settings (the walkthrough's destination as template). */
export function componentArgs(destinations: BenchDestination[]): EgressTlsOriginationArgs {
    const dev = devStackArgs();
    const template = dev.destinations[0];
    return {
        ...dev,
        destinations: destinations.map(({ name, host, caCertPem }): Destination => caCertPem
            ? { name, host, caCertPem }
            : { ...template, name, host, credentialName: `client-credential-${name}`, server: { namespace: "mesh-external", name } }),
    };
}

/**
 * What the benchmark compares, one entry per gateway kind: the component with these args, against `direct`, the same
 * resources declared by hand (test/benchDirect.test.ts checks they are the same). A new `gateway.type` adds one entry.
 */
export interface Scenario {
    name: string;
    /** The component's args for the scenario, from the dev stack's (e.g. with its `gateway.type`). */
    args(destinations: BenchDestination[]): EgressTlsOriginationArgs;
    /** Declares the same resources as the component would, without it. */
    direct(destinations: BenchDestination[]): void;
}

export const SCENARIOS: Scenario[] = [
    { name: "istio", args: componentArgs, direct: declareIstioDirectly },
];

export function scenario(name: string): Scenario {
    const found = SCENARIOS.find((s) => s.name === name);
    if (!found) throw new Error(`no benchmark scenario "${name}"; expected one of ${SCENARIOS.map((s) => s.name).join(", ")}`);
    return found;
}
