/** The accepted values and defaults, and the shape of a config once resolveConfig has checked it. */
import type { CertificateSummary } from "../pem";

export const TLS_MODES = ["SIMPLE", "MUTUAL"] as const;
/**
 * Kinds of egress gateway: Istio's own API on a sidecar mesh (the walkthrough's), the Kubernetes Gateway API on a sidecar
 * mesh (Istio deploys the gateway), and an ambient-mode waypoint.
 */
export const GATEWAY_TYPES = ["istio", "gateway-api", "waypoint"] as const;
export type GatewayType = (typeof GATEWAY_TYPES)[number];
export type TlsMode = (typeof TLS_MODES)[number];
export const ISTIO_API_VERSIONS = ["networking.istio.io/v1", "networking.istio.io/v1beta1", "networking.istio.io/v1alpha3"] as const;
export const KEY_ALGORITHMS = ["RSA", "ECDSA"] as const;
export const RSA_BITS = [2048, 3072, 4096] as const;
export const ECDSA_CURVES = ["P256", "P384"] as const;
/** Namespaces that exist in every Istio cluster; the component never creates or deletes them. */
export const SYSTEM_NAMESPACES = ["default", "kube-system", "kube-public", "kube-node-lease", "istio-system"];

export const DEFAULTS = {
    port: 443,
    mode: "SIMPLE" as TlsMode,
    serverImage: "nginxinc/nginx-unprivileged:1.27.3-alpine",
    gateway: {
        type: "istio" as GatewayType,
        /** Where each type's gateway is by default: istioctl's egress gateway; a Gateway of Istio's docs; `istioctl waypoint apply`'s. */
        placement: {
            istio: { namespace: "istio-system", name: "istio-egressgateway" },
            "gateway-api": { namespace: "istio-egress", name: "egress-gateway" },
            waypoint: { namespace: "istio-egress", name: "waypoint" },
        } satisfies { [type in GatewayType]: { namespace: string; name: string } },
        selector: { istio: "egressgateway" },
        chartVersion: "1.31.1",
    },
    routingNamespace: "default",
    istioApiVersion: "networking.istio.io/v1" as (typeof ISTIO_API_VERSIONS)[number],
    ca: {
        organization: "example Inc.",
        commonName: "example.com",
        algorithm: "RSA" as (typeof KEY_ALGORITHMS)[number],
        rsaBits: 2048 as (typeof RSA_BITS)[number],
        ecdsaCurve: "P256" as (typeof ECDSA_CURVES)[number],
        validityHours: 8760,
        earlyRenewalHours: 720,
        generations: ["1"],
    },
    controlPlaneNamespace: "istio-system",
    trustDomain: "cluster.local",
    namePrefix: "",
};

export interface ResolvedServer {
    namespace: string;
    name: string;
    image: string;
}

/** A caller admitted to a destination; without `serviceAccount`, the whole namespace. */
export interface ResolvedAllowedCaller {
    namespace: string;
    serviceAccount?: string;
}

export interface ResolvedDestination {
    name: string;
    /** Name of the destination's Kubernetes objects and gateway subset: `name`, after the instance's `namePrefix`. */
    objectName: string;
    host: string;
    port: number;
    mode: TlsMode;
    credentialName: string;
    /** Set for an outside host; a destination with a server uses the CA the component makes. */
    caCertPem?: string;
    /** With `caCertPem`: each of its certificates' public facts, in order, read once when the config is checked. */
    caCertSummaries?: readonly CertificateSummary[];
    server?: ResolvedServer;
    subjectAltNames: string[];
    /** The only callers admitted; unset, the destination is open to the whole mesh. */
    allowedFrom?: ResolvedAllowedCaller[];
}

/**
 * The names the gateway accepts in the server's certificate: the user's `subjectAltNames`, or the host. The origination
 * rule always states them, because Istio checks the name only against a rule's (or ServiceEntry's) subjectAltNames once
 * the rule sets `sni`, which ours does; the in-cluster server's certificate carries every one of them.
 */
export function acceptedServerNames(destination: Pick<ResolvedDestination, "host" | "subjectAltNames">): string[] {
    return destination.subjectAltNames.length > 0 ? destination.subjectAltNames : [destination.host];
}

export interface ResolvedGateway {
    type: GatewayType;
    namespace: string;
    name: string;
    /** Labels of the gateway's pods: `gateway.selector` for `istio`, the label Istio gives a Gateway's pods otherwise. */
    selector: { [label: string]: string };
    deploy: boolean;
    chartVersion: string;
}

export interface ResolvedCa {
    organization: string;
    commonName: string;
    algorithm: string;
    rsaBits: number;
    ecdsaCurve: string;
    validityHours: number;
    earlyRenewalHours: number;
    /** Every CA generation, each trusted wherever the destination's CA is trusted. Non-empty, unique DNS labels. */
    generations: string[];
    /** The generation whose CA signs every leaf; one of `generations`. */
    issuer: string;
}

export interface ResolvedLockdown {
    namespaces: string[];
    controlPlaneNamespace: string;
}

/** An input that is accepted but deserves the operator's attention, e.g. an expired certificate in a brought bundle. */
export interface ConfigWarning {
    field: string;
    message: string;
}

/** The component's input with every default applied and every rule checked. */
export interface ResolvedConfig {
    destinations: ResolvedDestination[];
    gateway: ResolvedGateway;
    routingNamespace: string;
    istioApiVersion: string;
    ca: ResolvedCa;
    lockdown?: ResolvedLockdown;
    verify: boolean;
    verifyNamespace: string;
    trustDomain: string;
    namePrefix: string;
    /** What the component logs as warnings; the config is valid. */
    warnings: ConfigWarning[];
}
