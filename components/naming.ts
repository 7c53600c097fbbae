// Layers: config/resolved (shapes) → naming → config (rules) → renderers → wiring; naming reads only the shapes.
import type { ResolvedDestination, ResolvedGateway } from "./config/resolved";

/** The Secret that holds only `ca.crt` for `credentialName`, which Istio's SDS reads for SIMPLE. */
function caOnlyCredentialSecret(credentialName: string): string {
    return `${credentialName}-cacert`;
}

/** Kubernetes object names: the one place that knows the walkthrough's naming rules. */
export const objectNames = {
    serverCertsSecret: (d: ResolvedDestination) => `${d.name}-server-certs`,
    serverCaSecret: (d: ResolvedDestination) => `${d.name}-ca-certs`,
    serverConfigMap: (d: ResolvedDestination) => `${d.name}-configmap`,
    /** The Secret Istio's SDS reads for `credentialName`: the CA-only one for SIMPLE, `<name>` itself for MUTUAL. */
    credentialSecret: (d: ResolvedDestination) => (d.mode === "MUTUAL" ? d.credentialName : caOnlyCredentialSecret(d.credentialName)),
    caOnlyCredentialSecret,
    gatewayDestinationRule: (d: ResolvedDestination) => `egressgateway-for-${d.name}`,
    virtualService: (d: ResolvedDestination) => `direct-${d.name}-through-egress-gateway`,
    originationDestinationRule: (d: ResolvedDestination) => `originate-tls-for-${d.name}`,
    serviceEntry: (d: ResolvedDestination) => `${d.name}-external`,
    lockdownPolicy: () => "egress-tls-lockdown",
    callerPolicy: (d: ResolvedDestination) => `allowed-callers-of-${d.name}`,
    verifyJob: () => "egress-tls-verify",
    gatewayHost: (g: ResolvedGateway) => `${g.name}.${g.namespace}.svc.cluster.local`,
};

/** Pulumi logical names: every child is prefixed with the component's name, so two instances never collide. */
export function childName(component: string, ...parts: string[]): string {
    return [component, ...parts].join("-");
}

/** Labels on every Kubernetes object the component makes, so an operator (or the e2e check) can find them all. */
export function commonLabels(component: string): { [label: string]: string } {
    return {
        "app.kubernetes.io/managed-by": "pulumi",
        "app.kubernetes.io/part-of": "egress-tls",
        "egress-tls.dev/instance": component,
    };
}
