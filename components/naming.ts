// Layers: config/resolved (shapes) → naming → config (rules) → renderers → wiring; naming reads only the shapes.
import { DEFAULTS, ISTIO_API_VERSIONS } from "./config/resolved";
import type { GatewayType, ResolvedConfig, ResolvedDestination, ResolvedGateway, ResolvedServer } from "./config/resolved";

/** The label Istio puts on the pods it runs for a Gateway API Gateway (`pilot/pkg/config/kube/gateway`), waypoints included. */
export const GATEWAY_NAME_LABEL = "gateway.networking.k8s.io/gateway-name";

/**
 * What each type's gateway Deployment, Service and ServiceAccount are called, after `gateway.name`: istioctl and the
 * chart use the name itself; Istio deploys a class `istio` Gateway as `<name>-istio`, a waypoint as `<name>`.
 */
const GATEWAY_WORKLOAD_SUFFIX: { [type in GatewayType]: string } = { istio: "", "gateway-api": "-istio", waypoint: "" };

function gatewayWorkload(g: ResolvedGateway): string {
    return `${g.name}${GATEWAY_WORKLOAD_SUFFIX[g.type]}`;
}

/** The Secret that holds only `ca.crt` for `credentialName`, which Istio's SDS reads for SIMPLE. */
function caOnlyCredentialSecret(credentialName: string): string {
    return `${credentialName}-cacert`;
}

/**
 * `name` scoped to an instance: `<namePrefix>-<name>`, or `name` itself without a prefix (the walkthrough's names). Two
 * instances in one cluster with different prefixes never name an object, a subset or a default credential alike.
 */
export function prefixed(namePrefix: string, name: string): string {
    return namePrefix === "" ? name : `${namePrefix}-${name}`;
}

/** The instance-wide objects' base names, as the walkthrough (and every instance without `namePrefix`) has them. */
const VERIFY = "egress-tls-verify";
const LOCKDOWN = "egress-tls-lockdown";
const CREDENTIAL_PREFIX = "client-credential-";

type Instance = Pick<ResolvedConfig, "namePrefix">;

/** Kubernetes object names: the one place that knows the walkthrough's naming rules. Per destination, `d.objectName`. */
export const objectNames = {
    /** A destination's objects and gateway subset carry this name; its `name` stays the key of outputs and Pulumi names. */
    destinationObjectName: (namePrefix: string, name: string) => prefixed(namePrefix, name),
    defaultCredentialName: (objectName: string) => `${CREDENTIAL_PREFIX}${objectName}`,
    defaultVerifyNamespace: (namePrefix: string) => prefixed(namePrefix, VERIFY),
    serverCertsSecret: (d: ResolvedDestination) => `${d.objectName}-server-certs`,
    serverCaSecret: (d: ResolvedDestination) => `${d.objectName}-ca-certs`,
    serverConfigMap: (d: ResolvedDestination) => `${d.objectName}-configmap`,
    /** The Secret Istio's SDS reads for `credentialName`: the CA-only one for SIMPLE, `<name>` itself for MUTUAL. */
    credentialSecret: (d: ResolvedDestination) => (d.mode === "MUTUAL" ? d.credentialName : caOnlyCredentialSecret(d.credentialName)),
    caOnlyCredentialSecret,
    /**
     * Every Secret name a credential occupies in the gateway namespace: SIMPLE or MUTUAL, Istio asks SDS for
     * `<name>-cacert` as the validation context and falls back to `<name>` (istio/istio
     * pilot/pkg/security/model/authentication.go `CredentialName + SdsCaSuffix`; pilot/pkg/credentials/kube/secrets.go
     * `GetCaCert`), so a destination that declares either one can make another trust its CA.
     */
    credentialSecretNames: (credentialName: string) => [credentialName, caOnlyCredentialSecret(credentialName)],
    /** The destination's subset of the gateway host: unique per instance, as Istio merges every rule for that host. */
    subset: (d: ResolvedDestination) => d.objectName,
    gatewayDestinationRule: (d: ResolvedDestination) => `egressgateway-for-${d.objectName}`,
    virtualService: (d: ResolvedDestination) => `direct-${d.objectName}-through-egress-gateway`,
    originationDestinationRule: (d: ResolvedDestination) => `originate-tls-for-${d.objectName}`,
    serviceEntry: (d: ResolvedDestination) => `${d.objectName}-external`,
    /** The instance's own Istio Gateway object (the gateway's Service keeps `gateway.name`). */
    gatewayObject: (c: Instance & Pick<ResolvedConfig, "gateway">) => prefixed(c.namePrefix, c.gateway.name),
    callerPolicy: (d: ResolvedDestination) => `allowed-callers-of-${d.objectName}`,
    lockdownPolicy: (c: Instance) => prefixed(c.namePrefix, LOCKDOWN),
    verifyJob: (c: Instance) => prefixed(c.namePrefix, VERIFY),
    gatewayWorkload,
    gatewayHost: (g: ResolvedGateway) => `${gatewayWorkload(g)}.${g.namespace}.svc.cluster.local`,
    // Gateway API objects, named as in Istio's docs task "Egress Gateways with TLS Origination" (Gateway API tab).
    meshVirtualService: (d: ResolvedDestination) => `direct-${d.objectName}-to-egress-gateway`,
    forwardRoute: (d: ResolvedDestination) => `forward-${d.objectName}-from-egress-gateway`,
    gatewayListener: (d: ResolvedDestination) => `https-${d.objectName}`,
    referenceGrant: (s: ResolvedServer) => `${s.name}-reference-grant`,
    /** The Role (and RoleBinding) that lets the gateway read full credentials, as the docs name it: `<workload>-sds`. */
    credentialReader: (g: ResolvedGateway) => `${gatewayWorkload(g)}-sds`,
};

/** One name an instance takes in the cluster (`Kind namespace/name`, a host, a gateway subset), and the field that chose it. */
export interface NameClaim {
    claim: string;
    field: string;
}

/**
 * Every cluster-wide name the instance takes: each Kubernetes object it declares, both Secret names Istio reads for each
 * credential (declared or not), each host it routes, each subset of the gateway host. Two instances may share none of them.
 */
export function claimedNames(config: ResolvedConfig): NameClaim[] {
    const gatewayNs = config.gateway.namespace;
    const gatewayClaims = GATEWAY_CLAIMS[config.gateway.type];
    const claims: NameClaim[] = gatewayClaims.once(config);
    config.destinations.forEach((d, i) => {
        const field = `destinations[${i}]`;
        claims.push(
            { claim: `host ${d.host}`, field: `${field}.host` },
            ...objectNames.credentialSecretNames(d.credentialName).map((name) => ({ claim: `Secret ${gatewayNs}/${name}`, field: `${field}.credentialName` })),
            { claim: `DestinationRule ${gatewayNs}/${objectNames.originationDestinationRule(d)}`, field: `${field}.name` },
            ...gatewayClaims.perDestination(config, d, field),
        );
        if (d.allowedFrom) claims.push({ claim: `AuthorizationPolicy ${gatewayNs}/${objectNames.callerPolicy(d)}`, field: `${field}.name` });
        if (d.server) {
            const ns = d.server.namespace;
            claims.push(
                { claim: `Namespace ${ns}`, field: `${field}.server.namespace` },
                { claim: `Deployment ${ns}/${d.server.name}`, field: `${field}.server.name` },
                { claim: `Service ${ns}/${d.server.name}`, field: `${field}.server.name` },
                ...[objectNames.serverCertsSecret(d), objectNames.serverCaSecret(d)].map((name) => ({ claim: `Secret ${ns}/${name}`, field: `${field}.name` })),
                { claim: `ConfigMap ${ns}/${objectNames.serverConfigMap(d)}`, field: `${field}.name` },
            );
        }
    });
    for (const namespace of config.lockdown?.namespaces ?? []) claims.push({ claim: `NetworkPolicy ${namespace}/${objectNames.lockdownPolicy(config)}`, field: "namePrefix" });
    if (config.verify) {
        claims.push({ claim: `Namespace ${config.verifyNamespace}`, field: "verifyNamespace" }, { claim: `Job ${config.verifyNamespace}/${objectNames.verifyJob(config)}`, field: "namePrefix" });
    }
    // A server's namespace holds several destinations' objects; the Namespace object itself is claimed once.
    return claims.filter((c, i) => !c.claim.startsWith("Namespace ") || claims.findIndex((o) => o.claim === c.claim) === i);
}

/** What differs by gateway type among an instance's names: the gateway's own objects, and the route to it per destination. */
interface GatewayClaims {
    once(config: ResolvedConfig): NameClaim[];
    perDestination(config: ResolvedConfig, d: ResolvedDestination, field: string): NameClaim[];
}

/** The gateway-bound subset and its DestinationRule: how sidecars reach an `istio` or `gateway-api` gateway. */
function subsetClaims(config: ResolvedConfig, d: ResolvedDestination, field: string): NameClaim[] {
    return [
        { claim: `subset ${objectNames.gatewayHost(config.gateway)}/${objectNames.subset(d)}`, field: `${field}.name` },
        { claim: `DestinationRule ${config.gateway.namespace}/${objectNames.gatewayDestinationRule(d)}`, field: `${field}.name` },
    ];
}

function outsideHostClaims(config: ResolvedConfig, d: ResolvedDestination, field: string): NameClaim[] {
    return d.server ? [] : [{ claim: `ServiceEntry ${config.routingNamespace}/${objectNames.serviceEntry(d)}`, field: `${field}.name` }];
}

/** For the types Istio deploys: the namespace the component makes, the Gateway, and the Role for full credentials. */
function deployedGatewayClaims(config: ResolvedConfig): NameClaim[] {
    const { gateway } = config;
    const reader = config.destinations.some((d) => d.mode === "MUTUAL")
        ? ["Role", "RoleBinding"].map((kind) => ({ claim: `${kind} ${gateway.namespace}/${objectNames.credentialReader(gateway)}`, field: "gateway.name" }))
        : [];
    return [
        { claim: `Namespace ${gateway.namespace}`, field: "gateway.namespace" },
        { claim: `Gateway ${gateway.namespace}/${gateway.name}`, field: "gateway.name" },
        ...reader,
    ];
}

const GATEWAY_CLAIMS: { [type in GatewayType]: GatewayClaims } = {
    istio: {
        once: (config) => [
            { claim: `Gateway ${config.routingNamespace}/${objectNames.gatewayObject(config)}`, field: "namePrefix" },
            ...(config.gateway.deploy ? [{ claim: `Namespace ${config.gateway.namespace}`, field: "gateway.namespace" }] : []),
        ],
        perDestination: (config, d, field) => [
            ...subsetClaims(config, d, field),
            { claim: `VirtualService ${config.routingNamespace}/${objectNames.virtualService(d)}`, field: `${field}.name` },
            ...outsideHostClaims(config, d, field),
        ],
    },
    "gateway-api": {
        once: deployedGatewayClaims,
        perDestination: (config, d, field) => [
            ...subsetClaims(config, d, field),
            { claim: `VirtualService ${config.routingNamespace}/${objectNames.meshVirtualService(d)}`, field: `${field}.name` },
            { claim: `HTTPRoute ${config.gateway.namespace}/${objectNames.forwardRoute(d)}`, field: `${field}.name` },
            ...(d.server ? [{ claim: `ReferenceGrant ${d.server.namespace}/${objectNames.referenceGrant(d.server)}`, field: `${field}.server.name` }] : []),
            ...outsideHostClaims(config, d, field),
        ],
    },
    waypoint: {
        once: deployedGatewayClaims,
        perDestination: (config, d, field) => [{ claim: `ServiceEntry ${config.routingNamespace}/${objectNames.serviceEntry(d)}`, field: `${field}.name` }],
    },
};

/** Pulumi logical names: every child is prefixed with the component's name, so two instances never collide. */
export function childName(component: string, ...parts: string[]): string {
    return [component, ...parts].join("-");
}

/**
 * Pulumi names of children whose Kubernetes names do not follow the destination's name (the credential Secret, named by
 * `credentialName`; the server's Deployment and Service, named by `server`): derived from the Kubernetes name, so a
 * renamed destination keeps them, where a new URN would create the object anew ("already exists") and delete it.
 */
export const fixedObjectChildNames = {
    credentialSecret: (component: string, d: ResolvedDestination) => childName(component, "credential", objectNames.credentialSecret(d)),
    serverObject: (component: string, server: ResolvedServer, suffix: string) => childName(component, "server", server.namespace, server.name, suffix),
};

/**
 * The Pulumi name of the gateway's Helm release, after the release's namespace and name: a new `gateway.name` or
 * `gateway.namespace` makes it a new resource, which the engine creates before deleting the old one (step_generator.go:
 * creates and updates first, deletes last), where a replacement under one name follows `deleteBeforeReplace`, which a new
 * `gateway.selector` needs. `previous` is the name it had before (`<component>-gateway-chart`), kept as an alias.
 */
export function gatewayReleaseNames(component: string, gateway: Pick<ResolvedGateway, "namespace" | "name">): { name: string; previous: string } {
    const previous = childName(component, "gateway-chart");
    return { name: childName(previous, gateway.namespace, gateway.name), previous };
}

/** The names those children had before (`<component>-<destination>-<suffix>`), kept as aliases so deployed stacks keep them. */
export function formerDestinationChildName(component: string, d: ResolvedDestination, suffix: string): string {
    return childName(component, d.name, suffix);
}

/** A child's identity to Pulumi: its type token and logical name, which with its parent's make its URN. */
export interface PulumiIdentity {
    type: string;
    name: string;
}

/**
 * Type tokens of the children that keep a former name or type as an alias (test/aliases.test.ts checks each against
 * what the component registers). A custom resource's is `kubernetes:<apiVersion>:<kind>`.
 */
export const PULUMI_TYPES = {
    secret: "kubernetes:core/v1:Secret",
    deployment: "kubernetes:apps/v1:Deployment",
    service: "kubernetes:core/v1:Service",
    helmRelease: "kubernetes:helm.sh/v3:Release",
    privateKey: "tls:index/privateKey:PrivateKey",
    selfSignedCert: "tls:index/selfSignedCert:SelfSignedCert",
    certRequest: "tls:index/certRequest:CertRequest",
    locallySignedCert: "tls:index/locallySignedCert:LocallySignedCert",
    customResource: (apiVersion: string, kind: string) => `kubernetes:${apiVersion}:${kind}`,
};

/** The component's type token. */
export const COMPONENT_TYPE = "egress-tls:index:EgressTlsOrigination";

/**
 * The URNs of the children of a component whose parent is the stack itself, up to the children's own type:
 * `urn:pulumi:<stack>::<project>::<component type>` (the engine leaves the stack's type out of a qualified type:
 * pulumi/sdk/go/common/resource/urn.go `NewURN`).
 */
export function topLevelChildUrnPrefix(stack: string, project: string, componentType: string): string {
    return `urn:pulumi:${stack}::${project}::${componentType}`;
}

/**
 * Aliases to what a child of the component was before (`formers`; a field a former leaves out is today's). Knowing
 * the children's URN prefix (topLevelChildUrnPrefix), each alias is the old URN itself, which the engine takes as is;
 * without it, a spec the engine completes with the child's parent (pulumi/pkg/resource/deploy/step_generator.go
 * `collapseAliasToUrn`). Both name the same old URN, but the SDK makes about ten Outputs of each spec alias, at every
 * evaluation, where it makes two of a URN (resource.js `collapseAliasToUrn`, `createUrn`; docs/benchmark.md).
 */
export function formerAliases(childUrnPrefix: string | undefined, child: PulumiIdentity, formers: Partial<PulumiIdentity>[]): (string | Partial<PulumiIdentity>)[] {
    if (childUrnPrefix === undefined) return formers;
    return formers.map((former) => `${childUrnPrefix}$${former.type ?? child.type}::${former.name ?? child.name}`);
}

/** The name a child had before, as a former identity, when it differs from today's. */
export function renamedFrom(formerName: string, name: string): Partial<PulumiIdentity>[] {
    return formerName === name ? [] : [{ name: formerName }];
}

/**
 * The Pulumi types (`kubernetes:<apiVersion>:<kind>`) an Istio object has under the other values of `istioApiVersion`,
 * given how its apiVersion follows that setting (`underIstioApiVersion`: the same for networking objects, fewer
 * versions for security ones): as aliases, they keep the object when `istioApiVersion` changes, where a new type would
 * mean a new URN, a create ("already exists") and a delete.
 */
export function istioTypeAliases(kind: string, apiVersion: string, underIstioApiVersion: (istioApiVersion: string) => string): { type: string }[] {
    const others = new Set(ISTIO_API_VERSIONS.map(underIstioApiVersion));
    others.delete(apiVersion);
    return [...others].map((other) => ({ type: PULUMI_TYPES.customResource(other, kind) }));
}

/** The default generation: the one whose resources a stack made before generations existed now are (see certificateNames). */
const FIRST_GENERATION = DEFAULTS.ca.generations[0];

/**
 * Pulumi logical names of a destination's certificate resources, each with the name it had before generations, as an
 * alias: stacks deployed then re-issue nothing. The old names belong to generation "1", the default, alone.
 */
export const certificateNames = {
    /** A generation's CA: `<prefix>-key` and `<prefix>-cert`, so adding a generation never renames an existing one. */
    ca: (component: string, destination: string, generation: string) => ({
        prefix: childName(component, destination, "ca", generation),
        previous: generation === FIRST_GENERATION ? childName(component, destination, "ca") : undefined,
    }),
    /** A server or client leaf issued by `issuer`: a new issuer is a new key, request and certificate. */
    leaf: (component: string, destination: string, role: "server" | "client", issuer: string) => ({
        prefix: childName(component, destination, role, issuer),
        previous: issuer === FIRST_GENERATION ? childName(component, destination, role) : undefined,
    }),
};

/** How the `certificates` output names each certificate of a destination. */
export const certificateOutputNames = {
    ca: (generation: string) => `ca-${generation}`,
    server: "server",
    client: "client",
    /** The `index`th certificate of the brought `caCertPem`, counted from 0. */
    brought: (index: number) => `caCertPem[${index}]`,
};

/** Labels on every Kubernetes object the component makes, so an operator (or the e2e check) can find them all. */
export function commonLabels(component: string): { [label: string]: string } {
    return {
        "app.kubernetes.io/managed-by": "pulumi",
        "app.kubernetes.io/part-of": "egress-tls",
        "egress-tls.dev/instance": component,
    };
}
