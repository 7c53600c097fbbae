import { listenerAdmits, namespaceLabels, NamespaceLabels, waypointAllowsAttachment } from "./allowedRoutes";
import { destinationRuleFor, gatewaysSelecting, isExportedTo, KubernetesService, MeshConfig, routesFor } from "./configLookup";
import { ProgramRun, Registration } from "./harness";
import { meshOf } from "./meshRoutes";
import { ClientTls, istioCredentialSecretName, UpstreamTls, upstreamTlsOf } from "./tlsClient";

// Follows one plain-HTTP request, `GET http://<host>/` from a mesh client, through the declared objects alone, by Istio's
// and the Gateway API's documented rules, to the TLS the gateway originates and the Secret it loads. It knows no
// gateway type: it reads what is declared, the way istiod does, so a missing or mismatched object breaks the path.
// Sources: Istio's "Egress Gateways with TLS Origination" task (both tabs), "Egress gateways" for ambient mode, its
// TestWaypointAsEgressGateway; the Gateway API's HTTPRoute, ReferenceGrant and listener rules; ServiceEntry's targetPort
// and DestinationRule's portLevelSettings (matched against the service port). Istio's config lookup (which
// DestinationRule and VirtualService a proxy sees) is configLookup.ts's model.

const MESH_PORT = 80;
const GATEWAY_NAME_LABEL = "gateway.networking.k8s.io/gateway-name";

/** An egress gateway installed outside the component (istioctl's, in the walkthrough), which no declared object describes. */
export interface InstalledGateway {
    namespace: string;
    service: string;
    podLabels: { [label: string]: string };
}

export interface MeshClient {
    namespace: string;
    /** `sidecar`: the client's istio-proxy routes by VirtualService; `ambient`: ztunnel sends it to the service's waypoint. */
    dataPlane: "sidecar" | "ambient";
}

/** The walkthrough's egress gateway, which istioctl installs: nothing the component declares describes it. */
export const ISTIOCTL_GATEWAY: InstalledGateway = { namespace: "istio-system", service: "istio-egressgateway", podLabels: { istio: "egressgateway" } };

/** Istio's curl sample in `default`, as each gateway type's clients run it: with a sidecar, or in ambient mode. */
export const CURL_CLIENTS: { [gatewayType: string]: MeshClient } = {
    istio: { namespace: "default", dataPlane: "sidecar" },
    "gateway-api": { namespace: "default", dataPlane: "sidecar" },
    waypoint: { namespace: "default", dataPlane: "ambient" },
};

/** The gateway's proxy: where its pods run and who they are. */
interface GatewayProxy {
    namespace: string;
    podLabels: { [label: string]: string };
    /** Its ServiceAccount, when Istio makes it (for an installed gateway its installer grants the Secret access). */
    serviceAccount?: string;
    /** The Gateway API Gateway that made it. */
    gatewayObject?: Registration;
}

export interface TrafficPath {
    /** Each hop, in words. */
    hops: string[];
    /** Where the gateway's pods run: where Istio's SDS reads the credential. */
    gatewayNamespace: string;
    /** The TLS settings the gateway originates with, as the origination DestinationRule gives them. */
    tls: ClientTls;
    /** The Secret the gateway loads for `credentialName`. */
    credentialSecret: Registration;
    /** Where the gateway connects. */
    upstream: { host: string; port: number };
}

function fail(hops: string[], problem: string): never {
    throw new Error(`${problem}\n  after: ${hops.join("\n         ")}`);
}

const ns = (r: Registration): string => r.inputs.metadata.namespace;
const named = (r: Registration): string => `${r.inputs.kind} ${ns(r)}/${r.inputs.metadata.name}`;

function visibleFrom(object: Registration, namespace: string): boolean {
    return isExportedTo(object.inputs.spec?.exportTo, ns(object), namespace);
}

function istioKind(run: ProgramRun, kind: string): Registration[] {
    return run.objectsOfKind(kind).filter((r) => String(r.inputs.apiVersion).startsWith("networking.istio.io/"));
}

function gatewayApiKind(run: ProgramRun, kind: string): Registration[] {
    return run.objectsOfKind(kind).filter((r) => String(r.inputs.apiVersion).startsWith("gateway.networking.k8s.io/"));
}

/** Namespace `name` with its labels: those the program declares on it, if it declares it, and the one Kubernetes sets. */
function namespaceOf(run: ProgramRun, name: string): NamespaceLabels {
    return namespaceLabels(name, run.objectsOfKind("Namespace").find((n) => n.inputs.metadata.name === name)?.inputs.metadata.labels);
}

/** `name.namespace.svc.cluster.local` → its parts. */
function serviceParts(host: string): { name: string; namespace: string } | undefined {
    const match = /^([^.]+)\.([^.]+)\.svc\.cluster\.local$/.exec(host);
    return match ? { name: match[1], namespace: match[2] } : undefined;
}

/** The TLS settings for `port`: port-level ones for that (service) port, else the policy's own. */
function tlsForPort(policy: any, port: number): any {
    const portLevel = (policy?.portLevelSettings ?? []).find((p: any) => p.port?.number === port);
    return portLevel ? portLevel.tls : policy?.tls;
}

/** Sidecar → gateway: the client's mesh route for the host on port 80, and the subset's ISTIO_MUTUAL with its SNI. */
function sidecarToGateway(mesh: MeshConfig, client: MeshClient, host: string, hops: string[]): { gatewayHost: string; port: number; sni: string } {
    const [route] = routesFor(mesh, client.namespace, host, MESH_PORT, "mesh");
    if (!route) fail(hops, `no VirtualService for ${host} applies to the mesh on port ${MESH_PORT}`);
    const destination = route.destinations[0];
    hops.push(`VirtualService ${route.virtualService.namespace}/${route.virtualService.name}: mesh :${MESH_PORT} → ${destination.host}:${destination.port} subset ${destination.subset}`);
    if (!serviceParts(destination.host) || destination.port === undefined) fail(hops, `${destination.host} is not an in-cluster Service and port`);
    const rule = destinationRuleFor(mesh, client.namespace, destination.host);
    const subset = rule?.subsets.find((s) => s.name === destination.subset);
    if (!rule || !subset) fail(hops, `no DestinationRule on ${client.namespace}'s lookup path defines subset ${destination.subset} of ${destination.host}`);
    const tls = tlsForPort(subset.trafficPolicy, destination.port);
    if (tls?.mode !== "ISTIO_MUTUAL") fail(hops, `subset ${destination.subset} does not send Istio mutual TLS to the gateway`);
    hops.push(`subset ${destination.subset} (${rule.namespace}/${rule.from.join("+")}): ISTIO_MUTUAL, SNI ${tls.sni}`);
    return { gatewayHost: destination.host, port: destination.port, sni: tls.sni };
}

/** Which proxy answers an in-cluster Service: a Gateway API Gateway's `<name>-istio`, or an installed gateway. */
function proxyOfService(run: ProgramRun, host: string, installed: InstalledGateway | undefined, hops: string[]): GatewayProxy {
    const service = serviceParts(host)!;
    const gatewayObject = gatewayApiKind(run, "Gateway").find((g) => ns(g) === service.namespace
        && g.inputs.spec.gatewayClassName === "istio" && `${g.inputs.metadata.name}-istio` === service.name);
    if (gatewayObject) {
        hops.push(`${named(gatewayObject)} (class istio): Istio runs it as ${service.name} in ${service.namespace}`);
        return { namespace: service.namespace, podLabels: { [GATEWAY_NAME_LABEL]: gatewayObject.inputs.metadata.name }, serviceAccount: service.name, gatewayObject };
    }
    const release = run.ofType("kubernetes:helm.sh/v3:Release").find((r) => r.inputs.values?.name === service.name && r.inputs.namespace === service.namespace);
    if (release) return { namespace: service.namespace, podLabels: release.inputs.values.labels };
    if (installed && installed.service === service.name && installed.namespace === service.namespace) return { namespace: installed.namespace, podLabels: installed.podLabels };
    return fail(hops, `nothing runs ${host}`);
}

function hostMatches(pattern: string, host: string): boolean {
    const bare = pattern.includes("/") ? pattern.split("/")[1] : pattern;
    return bare === "*" || bare === host || (bare.startsWith("*.") && host.endsWith(bare.slice(1)));
}

/** On a Gateway API gateway: the listener for the SNI on the port, then the HTTPRoute for the Host, then its backend. */
function gatewayApiForward(run: ProgramRun, proxy: GatewayProxy, host: string, port: number, sni: string, hops: string[]): { host: string; port: number } {
    const gateway = proxy.gatewayObject!;
    const listener = gateway.inputs.spec.listeners.find((l: any) => l.port === port && l.protocol === "HTTPS" && hostMatches(l.hostname ?? "*", sni));
    if (!listener) fail(hops, `${named(gateway)} has no HTTPS listener on ${port} for SNI ${sni}`);
    if (listener.tls?.mode !== "Terminate" || listener.tls?.options?.["gateway.istio.io/tls-terminate-mode"] !== "ISTIO_MUTUAL") {
        fail(hops, `listener ${listener.name} does not terminate Istio mutual TLS`);
    }
    const route = gatewayApiKind(run, "HTTPRoute").find((r) => listenerAdmits(listener, ns(gateway), namespaceOf(run, ns(r)))
        && r.inputs.spec.parentRefs.some((p: any) => (p.kind ?? "Gateway") === "Gateway" && p.name === gateway.inputs.metadata.name
            && (p.namespace ?? ns(r)) === ns(gateway) && (p.sectionName === undefined || p.sectionName === listener.name))
        && (r.inputs.spec.hostnames ?? ["*"]).some((h: string) => hostMatches(h, host)));
    if (!route) fail(hops, `no HTTPRoute attached to listener ${listener.name} of ${named(gateway)} takes Host ${host}`);
    hops.push(`listener ${listener.name}: HTTPS :${port}, SNI ${sni}, Istio mutual TLS terminated`);
    const backend = route.inputs.spec.rules[0].backendRefs[0];
    if (backend.kind === "Hostname" && backend.group === "networking.istio.io") {
        if (!istioKind(run, "ServiceEntry").some((se) => se.inputs.spec.hosts.includes(backend.name) && visibleFrom(se, proxy.namespace))) {
            fail(hops, `${named(route)} forwards to Hostname ${backend.name}, which no ServiceEntry visible to the gateway registers`);
        }
        hops.push(`${named(route)}: Host ${host} → Hostname ${backend.name}:${backend.port}`);
        return { host: backend.name, port: backend.port };
    }
    const serviceNamespace = backend.namespace ?? ns(route);
    if (serviceNamespace !== ns(route)) {
        const granted = gatewayApiKind(run, "ReferenceGrant").some((g) => ns(g) === serviceNamespace
            && g.inputs.spec.from.some((f: any) => f.kind === "HTTPRoute" && f.group === "gateway.networking.k8s.io" && f.namespace === ns(route))
            && g.inputs.spec.to.some((t: any) => t.kind === "Service" && t.group === "" && (t.name === undefined || t.name === backend.name)));
        if (!granted) fail(hops, `no ReferenceGrant in ${serviceNamespace} lets HTTPRoutes from ${ns(route)} use Service ${backend.name}`);
    }
    hops.push(`${named(route)}: Host ${host} → Service ${serviceNamespace}/${backend.name}:${backend.port}`);
    return { host: `${backend.name}.${serviceNamespace}.svc.cluster.local`, port: backend.port };
}

/** On an Istio gateway: the Gateway server for the host on the port, then the VirtualService bound to that Gateway. */
function istioGatewayForward(mesh: MeshConfig, proxy: GatewayProxy, host: string, port: number, hops: string[]): { host: string; port: number } {
    const serves = (gateway: string) => mesh.objects.find((o) => o.kind === "Gateway" && `${o.namespace}/${o.name}` === gateway)!.spec.servers
        .some((s: any) => s.port.number === port && s.tls?.mode === "ISTIO_MUTUAL" && s.hosts.some((h: string) => hostMatches(h, host)));
    const gateway = gatewaysSelecting(mesh, proxy.podLabels).find(serves);
    if (!gateway) fail(hops, `no Gateway selecting the gateway's pods has an ISTIO_MUTUAL server on ${port} for ${host}`);
    hops.push(`Gateway ${gateway}: server :${port} for ${host}, Istio mutual TLS terminated`);
    const [route] = routesFor(mesh, proxy.namespace, host, port, gateway);
    if (!route) fail(hops, `no VirtualService routes ${host}:${port} on Gateway ${gateway}`);
    const destination = route.destinations[0];
    hops.push(`VirtualService ${route.virtualService.namespace}/${route.virtualService.name}: gateway :${port} → ${destination.host}:${destination.port}`);
    return { host: destination.host, port: destination.port! };
}

/** Ambient: ztunnel sends a request for a ServiceEntry bound to a waypoint (by its labels) to that waypoint. */
function ambientToWaypoint(run: ProgramRun, client: MeshClient, host: string, hops: string[]): { proxy: GatewayProxy; servicePort: number; upstream: { host: string; port: number } } {
    const entry = istioKind(run, "ServiceEntry").find((se) => se.inputs.spec.hosts.includes(host) && visibleFrom(se, client.namespace));
    if (!entry) fail(hops, `no ServiceEntry for ${host} is visible from ${client.namespace}`);
    const port = entry.inputs.spec.ports.find((p: any) => p.number === MESH_PORT);
    if (!port || port.protocol !== "HTTP") fail(hops, `${named(entry)} has no HTTP port ${MESH_PORT}`);
    const labels = entry.inputs.metadata.labels ?? {};
    const waypointName = labels["istio.io/use-waypoint"];
    if (!waypointName) fail(hops, `${named(entry)} is bound to no waypoint (label istio.io/use-waypoint)`);
    const waypointNamespace = labels["istio.io/use-waypoint-namespace"] ?? ns(entry);
    const waypoint = gatewayApiKind(run, "Gateway").find((g) => g.inputs.metadata.name === waypointName && ns(g) === waypointNamespace);
    if (!waypoint || waypoint.inputs.spec.gatewayClassName !== "istio-waypoint"
        || !waypoint.inputs.spec.listeners.some((l: any) => l.protocol === "HBONE" && l.port === 15008)) {
        fail(hops, `${named(entry)} names waypoint ${waypointNamespace}/${waypointName}, and no istio-waypoint Gateway with an HBONE listener on 15008 is there`);
    }
    if (!waypointAllowsAttachment(waypoint.inputs.spec, waypointNamespace, namespaceOf(run, ns(entry)))) {
        fail(hops, `waypoint ${waypointNamespace}/${waypointName} does not accept ${named(entry)}: its HBONE listener's allowedRoutes exclude ${ns(entry)} (WaypointAttachmentDenied)`);
    }
    const targetPort = port.targetPort ?? port.number;
    hops.push(`${named(entry)}: ${host}:${MESH_PORT} (targetPort ${targetPort}) via waypoint ${waypointNamespace}/${waypointName} (HBONE 15008)`);
    const endpoint = entry.inputs.spec.endpoints?.[0]?.address ?? host;
    return {
        proxy: { namespace: waypointNamespace, podLabels: { [GATEWAY_NAME_LABEL]: waypointName }, serviceAccount: waypointName, gatewayObject: waypoint },
        servicePort: MESH_PORT,
        upstream: { host: endpoint, port: targetPort },
    };
}

/** The gateway's ServiceAccount may `list` Secrets in its namespace: the SubjectAccessReview istiod makes for a full credential. */
function mayListSecrets(run: ProgramRun, proxy: GatewayProxy): boolean {
    if (proxy.serviceAccount === undefined) return true; // istioctl's or the chart's gateway: its installer's Role grants it
    return run.objectsOfKind("RoleBinding").some((binding) => ns(binding) === proxy.namespace
        && binding.inputs.subjects.some((s: any) => s.kind === "ServiceAccount" && s.name === proxy.serviceAccount && (s.namespace ?? ns(binding)) === proxy.namespace)
        && run.objectsOfKind("Role").some((role) => ns(role) === proxy.namespace && role.inputs.metadata.name === binding.inputs.roleRef.name
            && role.inputs.rules.some((rule: any) => rule.apiGroups.includes("") && rule.resources.includes("secrets") && rule.verbs.includes("list"))));
}

/** The Services the mesh registers: those declared, an installed gateway's, and `<name>-istio` of each class `istio` Gateway. */
function meshServices(run: ProgramRun, installed: InstalledGateway | undefined): KubernetesService[] {
    const deployedByIstio = gatewayApiKind(run, "Gateway").filter((g) => g.inputs.spec.gatewayClassName === "istio")
        .map((g) => ({ namespace: ns(g), name: `${g.inputs.metadata.name}-istio` }));
    return [...deployedByIstio, ...(installed ? [{ namespace: installed.namespace, name: installed.service }] : [])];
}

/**
 * The path of `GET http://<host>/` from `client`, or an error naming where it breaks. `installed` describes a gateway
 * the component did not make (istioctl's egress gateway), for the `istio` type without `deploy`.
 */
export function traceRequest(run: ProgramRun, client: MeshClient, host: string, installed?: InstalledGateway): TrafficPath {
    const mesh = meshOf([run], meshServices(run, installed));
    const hops: string[] = [`${client.dataPlane} client in ${client.namespace}: GET http://${host}/`];
    let proxy: GatewayProxy;
    let servicePort: number;
    let upstream: { host: string; port: number };
    if (client.dataPlane === "ambient") {
        ({ proxy, servicePort, upstream } = ambientToWaypoint(run, client, host, hops));
    } else {
        const toGateway = sidecarToGateway(mesh, client, host, hops);
        proxy = proxyOfService(run, toGateway.gatewayHost, installed, hops);
        upstream = proxy.gatewayObject
            ? gatewayApiForward(run, proxy, host, toGateway.port, toGateway.sni, hops)
            : istioGatewayForward(mesh, proxy, host, toGateway.port, hops);
        servicePort = upstream.port;
    }
    // The origination rule is looked up by the name the gateway routes to: the host for a ServiceEntry, else the Service.
    const ruleHost = client.dataPlane === "ambient" ? host : upstream.host;
    const rule = destinationRuleFor(mesh, proxy.namespace, ruleHost);
    if (!rule) fail(hops, `no DestinationRule for ${ruleHost} is on the lookup path of the gateway in ${proxy.namespace}`);
    const tls = tlsForPort(rule.trafficPolicy, servicePort);
    if (!tls || !["SIMPLE", "MUTUAL"].includes(tls.mode) || !tls.credentialName) fail(hops, `${rule.namespace}/${rule.from.join("+")} originates no TLS with a credentialName on port ${servicePort}`);
    hops.push(`DestinationRule ${rule.namespace}/${rule.from.join("+")}: ${tls.mode} on :${servicePort}, credentialName ${tls.credentialName}, SNI ${tls.sni}`);
    const secretName = istioCredentialSecretName(tls.mode, tls.credentialName);
    const credentialSecret = run.objectsOfKind("Secret").find((s) => ns(s) === proxy.namespace && s.inputs.metadata.name === secretName);
    if (!credentialSecret) fail(hops, `the gateway's pods run in ${proxy.namespace}, and no Secret ${secretName} is there`);
    if (tls.mode === "MUTUAL" && !mayListSecrets(run, proxy)) fail(hops, `ServiceAccount ${proxy.namespace}/${proxy.serviceAccount} may not list Secrets: istiod withholds ${secretName}`);
    hops.push(`${named(credentialSecret)}: loaded over SDS → TLS to ${upstream.host}:${upstream.port}`);
    return { hops, gatewayNamespace: proxy.namespace, tls, credentialSecret, upstream };
}

/** What the gateway at the end of `path` is configured with: its rule's TLS settings, the credential in its namespace. */
export function upstreamAtEnd(run: ProgramRun, path: TrafficPath): UpstreamTls {
    return upstreamTlsOf(run, path.gatewayNamespace, path.tls);
}
