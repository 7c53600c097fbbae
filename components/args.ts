/**
 * The component's inputs. Plain interfaces with documented defaults and no union types, so the
 * same shape can be published as a multi-language component schema.
 */

/** An nginx TLS server that the component runs in the cluster to stand in for an external service. */
export interface TlsServer {
    /** Namespace for the server. Created by the component, without sidecar injection. */
    namespace: string;
    /**
     * Name of the Deployment and Service. The destination's `host` must be `<name>.<namespace>.svc.cluster.local`, except
     * with gateway type `waypoint` (see `Destination.server`).
     */
    name: string;
    /**
     * Container image, pinned: an explicit tag other than `latest`, or a digest (`@sha256:…`).
     * Default: `nginxinc/nginx-unprivileged:1.27.3-alpine` (runs as UID 101).
     */
    image?: string;
}

/** A caller admitted to a destination: a whole namespace, or one service account in it. */
export interface AllowedCaller {
    /** Namespace of the calling pods (DNS-1123 label). Required. */
    namespace: string;
    /** Service account of the calling pods. Default: none (every service account in `namespace`). */
    serviceAccount?: string;
}

/** One external service that mesh workloads reach over plain HTTP and the egress gateway reaches over TLS. */
export interface Destination {
    /**
     * Short name (DNS-1123 label). Names the subset and the Istio objects: `egressgateway-for-<name>`,
     * `originate-tls-for-<name>` (`<name>` as `<namePrefix>-<name>` with `namePrefix`).
     */
    name: string;
    /**
     * DNS name of the service, as workloads call it and as its certificate's subjectAltName carries it. Never an IP
     * address (SNI carries DNS names only). Without `server`: at least two labels, not ending in a numeric label, not
     * `localhost` and not a cluster-domain name (`….svc.cluster.local`).
     */
    host: string;
    /** TLS port of the service. Default: `443`. Port 80 is taken by the mesh-side plain-HTTP route. */
    port?: number;
    /** `SIMPLE` (server authentication) or `MUTUAL` (the gateway also presents a client certificate). Default: `SIMPLE`. */
    mode?: string;
    /**
     * Name the origination DestinationRule gives as `credentialName`. The gateway reads `<credentialName>-cacert` for SIMPLE
     * and `<credentialName>` for MUTUAL, in the gateway's namespace. Must not be a name Istio or Helm owns there:
     * `cacerts`, anything starting with `istio`, `prometheus` or `sh.helm.release.v1.` (see docs/security.md).
     * Default: `client-credential-<name>` (`client-credential-<namePrefix>-<name>` with `namePrefix`).
     */
    credentialName?: string;
    /**
     * PEM CA certificate(s) that signed the service's certificate. Required for an outside host (no `server`);
     * not allowed with `server`, whose CA the component makes.
     */
    caCertPem?: string;
    /**
     * Run an nginx TLS server for this destination inside the cluster. Default: none (the host is outside the cluster).
     * With gateway type `waypoint`, `host` must be a name outside the cluster (such as `nginx.example.com`): the
     * ServiceEntry that binds the host to the waypoint has the Service as its endpoint, and must not take the Service's name.
     */
    server?: TlsServer;
    /**
     * The names the gateway accepts in the service certificate's subjectAltName (the rule's `subjectAltNames`); the
     * in-cluster server's certificate carries them all. A wildcard's base needs two labels and must not be a whole
     * cluster domain. Default: `[host]`.
     */
    subjectAltNames?: string[];
    /**
     * The only callers that may use this destination, enforced by an Istio AuthorizationPolicy at the egress gateway
     * (requests from anyone else, or without a mesh identity, get HTTP 403). Non-empty when set. Default: none (every
     * workload in the mesh may use it).
     */
    allowedFrom?: AllowedCaller[];
}

/** The egress gateway that originates TLS. */
export interface EgressGateway {
    /**
     * Kind of gateway: `istio` (Istio's Gateway and VirtualService, an existing or chart-deployed egress gateway, sidecar
     * clients), `gateway-api` (a Kubernetes Gateway API Gateway of class `istio`, which Istio deploys as `<name>-istio`;
     * sidecar clients) or `waypoint` (an ambient-mode waypoint, Gateway class `istio-waypoint`; ambient clients).
     * Default: `istio`.
     */
    type?: string;
    /**
     * Namespace of the gateway's pods, where the credential Secrets must live. With `gateway-api` and `waypoint` (and
     * `deploy`) the component creates it. Default: `istio-system` (`istio`), `istio-egress` (`gateway-api`, `waypoint`).
     */
    namespace?: string;
    /**
     * Name of the gateway: its Service and the Istio Gateway object (`istio`; the object is `<namePrefix>-<name>` with
     * `namePrefix`), or the Gateway API Gateway (`gateway-api`, `waypoint`). Default: `istio-egressgateway` (`istio`), `egress-gateway` (`gateway-api`), `waypoint` (`waypoint`).
     */
    name?: string;
    /** Labels of the gateway's pods; `istio` only. Default: `{istio: egressgateway}`. */
    selector?: { [label: string]: string };
    /** Deploy a dedicated gateway with the `istio/gateway` Helm chart, for clusters with istiod alone; `istio` only. Default: `false`. */
    deploy?: boolean;
    /** Exact version of the `istio/gateway` chart when `deploy` is set (no range). Default: `1.31.1`, the newest patch of the newest supported Istio minor (istio.io, December 2026). */
    chartVersion?: string;
}

/** How the component's certificate authorities and certificates are made. */
export interface CertificateAuthority {
    /** Subject organization of every root CA. Default: `example Inc.`. */
    organization?: string;
    /** Subject common name of every root CA. Default: `example.com`. */
    commonName?: string;
    /** Key algorithm: `RSA` or `ECDSA` (Envoy accepts no other for TLS). Default: `RSA`. */
    algorithm?: string;
    /** RSA key size, with `RSA`: 2048, 3072 or 4096. Default: `2048`. */
    rsaBits?: number;
    /** Curve, with `ECDSA`: `P256` or `P384`. Default: `P256`. */
    ecdsaCurve?: string;
    /** Lifetime of every certificate in hours, 2 to 175200. Default: `8760` (365 days). */
    validityHours?: number;
    /**
     * Hours before expiry from which any `pulumi preview` or `pulumi up` re-issues a certificate (no `--refresh` needed;
     * nothing renews between runs); `pulumi preview` and `up` also warn about any certificate
     * (brought ones too) this close to its end, 0 to `validityHours` − 1.
     * Default: `720` (30 days), or half of `validityHours` if that is less.
     */
    earlyRenewalHours?: number;
    /**
     * Names of the CA generations (unique DNS labels). Each destination the component makes a CA for gets one CA per
     * generation, its own resource named after it, and trusts every one of them; add a generation to start a rotation
     * with no failed request (see docs/certificates.md). Default: `["1"]`.
     */
    generations?: string[];
    /** The generation whose CA signs every server and client certificate; one of `generations`. Default: the last of `generations`. */
    issuer?: string;
}

/** NetworkPolicies that leave client namespaces no egress but the gateway, the control plane and DNS. */
export interface EgressLockdown {
    /**
     * Namespaces whose pods get the policy. Required, non-empty. Never `kube-system`, the gateway's namespace or
     * `controlPlaneNamespace`: the policy would cut off DNS, the gateway or istiod.
     */
    namespaces: string[];
    /** Namespace of istiod, which sidecars must still reach. Default: `istio-system`. */
    controlPlaneNamespace?: string;
}

export interface EgressTlsOriginationArgs {
    /** The external services to reach through the gateway. Required, non-empty, names and credentials unique. */
    destinations: Destination[];
    /** The egress gateway. Default: `istio-egressgateway` in `istio-system`, selector `istio: egressgateway`. */
    gateway?: EgressGateway;
    /**
     * Namespace for the Gateway object, the VirtualServices and the ServiceEntries, which every namespace sees. (The
     * gateway-bound DestinationRules live in the gateway's namespace, the one every client's lookup reaches.) Default: `default`.
     */
    routingNamespace?: string;
    /** `networking.istio.io/v1` (Istio ≥ 1.22), `networking.istio.io/v1beta1` or `networking.istio.io/v1alpha3`. Default: `networking.istio.io/v1`. */
    istioApiVersion?: string;
    /** Certificate settings. Defaults as in the walkthrough: RSA 2048, `O=example Inc., CN=example.com`, 365 days. */
    ca?: CertificateAuthority;
    /** Egress lockdown for client namespaces. Default: none. */
    lockdown?: EgressLockdown;
    /**
     * Run a Job on each `pulumi up` that curls every destination through the mesh; `pulumi up` fails unless every page
     * arrives. Default: `false`.
     */
    verify?: boolean;
    /**
     * Namespace the component creates for the verify Job: sidecar-injected, or ambient with gateway type `waypoint`.
     * Default: `egress-tls-verify`, or `<namePrefix>-egress-tls-verify` with `namePrefix`.
     */
    verifyNamespace?: string;
    /**
     * The mesh's trust domain (`meshConfig.trustDomain`): callers' identities at the gateway are
     * `<trustDomain>/ns/<namespace>/sa/<serviceAccount>`. Default: `cluster.local`.
     */
    trustDomain?: string;
    /**
     * Starts the name of every object that belongs to this instance alone (the Istio Gateway object, each destination's
     * Secrets, ConfigMap, DestinationRules, VirtualService and ServiceEntry, its gateway subset and default
     * `credentialName`, the verify namespace and Job, the lockdown NetworkPolicy) as `<namePrefix>-…`, so several instances
     * can share one cluster and one egress gateway. A DNS-1123 label of at most 20 characters. Default: `""` (no prefix:
     * the walkthrough's names).
     */
    namePrefix?: string;
}
