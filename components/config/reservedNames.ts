import { ConfigError, shown } from "./fieldCheckers";

// Names in the gateway's namespace that Istio or Helm give a meaning to: a credential Secret by such a name would
// overwrite, or be taken for, one of theirs. Looked up in istio/istio (commit 86c9f01f, 2026-08):

/** Whole Secret names, each with what reads it. */
const RESERVED_SECRETS: { [name: string]: string } = {
    // pilot/pkg/bootstrap/istio_ca.go (loadCACerts) and manifests/charts/istio-control/istio-discovery/templates/deployment.yaml
    // (`secretName: cacerts`): istiod takes tls.crt/tls.key/ca.crt found there as its plug-in signing CA at its next
    // start, so a MUTUAL credential by this name would replace the mesh's CA.
    cacerts: "istiod's plug-in CA Secret (pilot/pkg/bootstrap/istio_ca.go)",
};

/** Name prefixes, each with what reads the names it starts. */
const RESERVED_PREFIXES: [prefix: string, reason: string][] = [
    // `istio-ca-secret` (security/pkg/pki/ca/ca.go, CASecret: istiod's self-signed root), `istio-kubeconfig` and
    // `istio-remote-secret-*` (istioctl/pkg/multicluster/remote_secret.go: multicluster credentials), the legacy per-
    // ServiceAccount `istio.*` Secrets; and Istio's egress TLS origination task (istio.io, tasks/traffic-management/
    // egress/egress-gateway-tls-origination, the walkthrough's source) says "The secret name should not begin with
    // istio or prometheus".
    ["istio", "Istio's own Secrets start with it (istio-ca-secret, istio-kubeconfig, istio-remote-secret-…), and Istio's docs say a credential's name must not"],
    // The same task's rule.
    ["prometheus", "Istio's docs say a credential's name must not"],
    // Helm's Secret storage driver keeps every release revision as `sh.helm.release.v1.<release>.v<revision>`
    // (helm/helm pkg/storage/driver/secrets.go); the gateway's own chart, when `gateway.deploy`, is stored so.
    ["sh.helm.release.v1.", "Helm stores its release revisions under it"],
];

/** Refuses a Secret name the credential would occupy in the gateway's namespace when Istio or Helm owns that name. */
export function rejectReservedSecretName(secretName: string, field: string): void {
    const whole = RESERVED_SECRETS[secretName];
    if (whole !== undefined) throw new ConfigError(field, `claims Secret ${shown(secretName)}, which is ${whole}; choose another name`);
    const prefix = RESERVED_PREFIXES.find(([start]) => secretName.startsWith(start));
    if (prefix) throw new ConfigError(field, `claims Secret ${shown(secretName)}, which starts with "${prefix[0]}": ${prefix[1]}; choose another name`);
}

/**
 * Namespaces a lockdown must never cover, with why: the policy leaves a namespace no egress but the gateway, istiod
 * and DNS, which would cut off the gateway from every destination, istiod from the API server, or CoreDNS from upstream.
 */
export function lockdownExclusions(gatewayNamespace: string, controlPlaneNamespace: string): Map<string, string> {
    return new Map([
        ["kube-system", "kube-system: CoreDNS there would lose its upstream resolvers, and DNS for the whole cluster with them"],
        [controlPlaneNamespace, "lockdown.controlPlaneNamespace: istiod would lose the API server and stop configuring the mesh"],
        [gatewayNamespace, "gateway.namespace: the egress gateway itself would be cut off from every destination"],
    ]);
}
