import { Destination, EgressTlsOriginationArgs } from "../../components";
import { OUTSIDE_CA_PEM } from "../support/fixtures";
import { devStackArgs } from "../support/scenarios";
import { declareGatewayApiDirectly } from "./direct/gatewayApi";
import { declareIstioDirectly } from "./direct/istio";
import { declareWaypointDirectly } from "./direct/waypoint";

/**
 * - `outside`: services outside the cluster, SIMPLE, their CA brought (`caCertPem`): what the component is for. Nothing is
 *   signed, so only Kubernetes objects are registered.
 * - `in-cluster`: the walkthrough's destination N times: an nginx TLS server in the cluster each, with a CA and a server
 *   certificate made with @pulumi/tls. Its host is the server's Service name, or under a waypoint a name outside the
 *   cluster (components/config/index.ts `serverHost`).
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

/** An in-cluster server's host: its Service's name in the cluster, or a name outside it (`waypoint`). */
type ServerHost = (name: string) => string;
const serviceName: ServerHost = (name) => `${name}.mesh-external.svc.cluster.local`;
const outsideName: ServerHost = (name) => `${name}.example.com`;

function benchDestinations(kind: DestinationKind, count: number, serverHost: ServerHost): BenchDestination[] {
    return Array.from({ length: count }, (_, i) => kind === "outside"
        ? { name: `api${i}`, host: `api${i}.partner.example.org`, caCertPem: OUTSIDE_CA_PEM }
        : { name: `svc${i}`, host: serverHost(`svc${i}`) });
}

/**
 * The component's args for `destinations` through a gateway of `type` at its default name and namespace, on the dev
 * stack's settings (the walkthrough's destination as template).
 */
function componentArgs(type: string, destinations: BenchDestination[]): EgressTlsOriginationArgs {
    const dev = devStackArgs();
    const template = dev.destinations[0];
    return {
        ...dev,
        ...(type === "istio" ? {} : { gateway: { type } }),
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
    /** The `gateway.type`. */
    name: string;
    /** `count` destinations of `kind`, the same for the component and `direct`. */
    destinations(kind: DestinationKind, count: number): BenchDestination[];
    /** The component's args for the scenario, from the dev stack's (with its `gateway.type`). */
    args(destinations: BenchDestination[]): EgressTlsOriginationArgs;
    /** Declares the same resources as the component would, without it. */
    direct(destinations: BenchDestination[]): void;
}

function gatewayScenario(type: string, serverHost: ServerHost, direct: Scenario["direct"]): Scenario {
    return {
        name: type,
        destinations: (kind, count) => benchDestinations(kind, count, serverHost),
        args: (destinations) => componentArgs(type, destinations),
        direct,
    };
}

export const SCENARIOS: Scenario[] = [
    gatewayScenario("istio", serviceName, declareIstioDirectly),
    gatewayScenario("gateway-api", serviceName, declareGatewayApiDirectly),
    gatewayScenario("waypoint", outsideName, declareWaypointDirectly),
];

export function scenario(name: string): Scenario {
    const found = SCENARIOS.find((s) => s.name === name);
    if (!found) throw new Error(`no benchmark scenario "${name}"; expected one of ${SCENARIOS.map((s) => s.name).join(", ")}`);
    return found;
}
