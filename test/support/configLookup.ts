/**
 * A model of which Istio networking configuration a proxy sees, after Istio's documented semantics and code:
 * - DestinationRules: `destinationRule()` in istio/istio pilot/pkg/model/push_context.go, and "Cross-namespace
 *   configuration" in Istio's traffic-management best practices. A proxy looks in its own namespace (rules exported to
 *   it there), then among the rules exported from the service's namespace, then among those exported from the root
 *   namespace (istio-system by default), and stops at the first that has a rule for the host. Rules for one host in one
 *   namespace are merged: unique subsets concatenated, first rule's traffic policy kept (`mergeDestinationRule()` in
 *   pilot/pkg/model/destination_rule.go).
 * - VirtualServices, ServiceEntries and Services: visible in every namespace they are exported to.
 * - `exportTo`: `*` every namespace, `.` the object's own, `~` none, otherwise the namespaces named. An Istio object
 *   without one, and a Kubernetes Service without a `networking.istio.io/exportTo` annotation, takes the mesh's default
 *   (`defaultVirtualServiceExportTo`, `defaultServiceExportTo`, `defaultDestinationRuleExportTo` in MeshConfig; `*`
 *   unless set; push_context.go `serviceExportTo`, virtualservice_controller.go); `defaultExportTo` here sets all three.
 * Not modelled: Sidecar resources narrowing a namespace's view, workloadSelector on DestinationRules, a DestinationRule
 * default other than `.` or `*` (Istio honours only those two there), MeshConfig `serviceEntryVisibility`.
 */

export const DEFAULT_ROOT_NAMESPACE = "istio-system";

export interface IstioObject {
    kind: string;
    namespace: string;
    name: string;
    spec: any;
}

/** A Kubernetes Service: registered at `<name>.<namespace>.svc.cluster.local`, exported as annotated, or as the mesh's default. */
export interface KubernetesService {
    namespace: string;
    name: string;
    exportTo?: string[];
}

export interface MeshConfig {
    objects: IstioObject[];
    services: KubernetesService[];
    rootNamespace?: string;
    /** The mesh-wide exportTo of Istio objects that state none (default `*`). */
    defaultExportTo?: string[];
}

/** The merged DestinationRule a proxy applies for one host, and where it was found. */
export interface AppliedDestinationRule {
    namespace: string;
    /** Names of the rules merged into it, in creation (array) order. */
    from: string[];
    subsets: { name: string; trafficPolicy?: any }[];
    trafficPolicy?: any;
}

export function serviceHost(service: KubernetesService): string {
    return `${service.name}.${service.namespace}.svc.cluster.local`;
}

/** Whether an object in `ownNamespace` with this `exportTo` is visible to a proxy in `clientNamespace`. */
export function isExportedTo(exportTo: string[] | undefined, ownNamespace: string, clientNamespace: string): boolean {
    const targets = exportTo === undefined || exportTo.length === 0 ? ["*"] : exportTo;
    if (targets.includes("~")) return false;
    return targets.some((target) => target === "*" || (target === "." ? ownNamespace : target) === clientNamespace);
}

/** Istio's host match: exact, else the most specific `*.suffix` wildcard. */
function hostMatches(pattern: string, host: string): boolean {
    if (pattern === host || pattern === "*") return true;
    return pattern.startsWith("*.") && host.endsWith(pattern.slice(1));
}

function mostSpecificMatch(rules: IstioObject[], host: string): IstioObject[] {
    const exact = rules.filter((rule) => rule.spec.host === host);
    if (exact.length > 0) return exact;
    const wildcards = rules.filter((rule) => hostMatches(rule.spec.host, host));
    const longest = Math.max(-1, ...wildcards.map((rule) => rule.spec.host.length));
    return wildcards.filter((rule) => rule.spec.host.length === longest);
}

function merge(namespace: string, rules: IstioObject[]): AppliedDestinationRule | undefined {
    if (rules.length === 0) return undefined;
    const subsets: AppliedDestinationRule["subsets"] = [];
    for (const rule of rules) {
        for (const subset of rule.spec.subsets ?? []) if (!subsets.some((s) => s.name === subset.name)) subsets.push(subset);
    }
    return { namespace, from: rules.map((r) => r.name), subsets, trafficPolicy: rules.find((r) => r.spec.trafficPolicy)?.spec.trafficPolicy };
}

/** An Istio object's exportTo, or the mesh's default where it states none. */
function exportOf(mesh: MeshConfig, object: IstioObject): string[] | undefined {
    return object.spec.exportTo?.length ? object.spec.exportTo : mesh.defaultExportTo;
}

function isVisibleTo(mesh: MeshConfig, object: IstioObject, clientNamespace: string): boolean {
    return isExportedTo(exportOf(mesh, object), object.namespace, clientNamespace);
}

/** push_context.go's "private only": exported to nothing beyond its own namespace. */
function isPrivateOnly(mesh: MeshConfig, rule: IstioObject): boolean {
    const exportTo = exportOf(mesh, rule) ?? [];
    return exportTo.length === 1 && (exportTo[0] === "." || exportTo[0] === rule.namespace);
}

/** The namespace whose Service or ServiceEntry registers `host`, as visible from `clientNamespace`. */
export function serviceNamespace(mesh: MeshConfig, clientNamespace: string, host: string): string | undefined {
    const service = mesh.services.find((s) => serviceHost(s) === host && isExportedTo(s.exportTo ?? mesh.defaultExportTo, s.namespace, clientNamespace));
    if (service) return service.namespace;
    return visible(mesh, "ServiceEntry", clientNamespace).find((entry) => (entry.spec.hosts as string[]).some((h) => hostMatches(h, host)))?.namespace;
}

export function isRegistered(mesh: MeshConfig, clientNamespace: string, host: string): boolean {
    return serviceNamespace(mesh, clientNamespace, host) !== undefined;
}

/** Objects of `kind` a proxy in `clientNamespace` can see. */
export function visible(mesh: MeshConfig, kind: string, clientNamespace: string): IstioObject[] {
    return mesh.objects.filter((o) => o.kind === kind && isVisibleTo(mesh, o, clientNamespace));
}

/** The DestinationRule a proxy in `clientNamespace` applies to traffic for `host`, or undefined if none is on its path. */
export function destinationRuleFor(mesh: MeshConfig, clientNamespace: string, host: string): AppliedDestinationRule | undefined {
    const root = mesh.rootNamespace ?? DEFAULT_ROOT_NAMESPACE;
    const rulesIn = (namespace: string) => mesh.objects.filter((o) => o.kind === "DestinationRule" && o.namespace === namespace);
    // 1. The proxy's own namespace: every rule there that is visible there. In the root namespace, only its private rules.
    const own = clientNamespace === root
        ? rulesIn(root).filter((rule) => isPrivateOnly(mesh, rule))
        : rulesIn(clientNamespace).filter((rule) => isVisibleTo(mesh, rule, clientNamespace));
    const local = merge(clientNamespace, mostSpecificMatch(own, host));
    if (local) return local;
    // 2 and 3. Rules exported from the service's namespace, then from the root. Within a namespace the most specific host
    // match is chosen first and then filtered by exportTo; if none of it is exported to this client, the search goes on.
    const exportedFrom = (namespace: string) => {
        const matched = mostSpecificMatch(rulesIn(namespace).filter((rule) => !isPrivateOnly(mesh, rule)), host);
        return matched.length === 0 ? undefined
            : merge(namespace, matched.filter((rule) => isVisibleTo(mesh, rule, clientNamespace)));
    };
    const serviceNs = serviceNamespace(mesh, clientNamespace, host);
    if (serviceNs !== undefined) {
        const fromService = exportedFrom(serviceNs);
        if (fromService) return fromService;
    }
    return exportedFrom(root);
}

/** A VirtualService's `gateways` entry as `namespace/name` (a short name is in the VirtualService's namespace). */
function qualifiedGateway(reference: string, virtualServiceNamespace: string): string {
    return reference === "mesh" || reference.includes("/") ? reference : `${virtualServiceNamespace}/${reference}`;
}

/** One HTTP route that applies to traffic for `host` on `port` through `gateway` (`mesh` or `namespace/name`). */
export interface MatchedRoute {
    virtualService: IstioObject;
    destinations: { host: string; subset?: string; port?: number }[];
}

/** The first matching HTTP route of each VirtualService a proxy in `clientNamespace` sees for `host`, `port` and `gateway`. */
export function routesFor(mesh: MeshConfig, clientNamespace: string, host: string, port: number, gateway: string): MatchedRoute[] {
    const routes: MatchedRoute[] = [];
    for (const vs of visible(mesh, "VirtualService", clientNamespace)) {
        if (!(vs.spec.hosts as string[]).some((h) => hostMatches(h, host))) continue;
        const bound: string[] = (vs.spec.gateways ?? ["mesh"]).map((g: string) => qualifiedGateway(g, vs.namespace));
        if (!bound.includes(gateway)) continue;
        const route = (vs.spec.http ?? []).find((http: any) => (http.match ?? [{}]).some((m: any) =>
            (m.port === undefined || m.port === port)
            && (m.gateways === undefined || m.gateways.map((g: string) => qualifiedGateway(g, vs.namespace)).includes(gateway))));
        if (route) routes.push({ virtualService: vs, destinations: route.route.map((r: any) => ({ host: r.destination.host, subset: r.destination.subset, port: r.destination.port?.number })) });
    }
    return routes;
}

/** Gateway objects (as `namespace/name`) whose selector picks pods with these labels. */
export function gatewaysSelecting(mesh: MeshConfig, podLabels: { [label: string]: string }): string[] {
    return mesh.objects
        .filter((o) => o.kind === "Gateway" && Object.entries(o.spec.selector ?? {}).every(([k, v]) => podLabels[k] === v))
        .map((o) => `${o.namespace}/${o.name}`);
}
