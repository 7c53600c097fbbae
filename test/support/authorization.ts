/**
 * An evaluator of Istio's documented authorization semantics, to judge the AuthorizationPolicies a program declares
 * without a cluster. Sources:
 * - istio/api security/v1beta1/authorization_policy.proto (istio.io reference/config/security/authorization-policy):
 *   CUSTOM, then DENY, then ALLOW; no ALLOW policy for the workload means allow; rules ORed; `from` and `to` entries
 *   ORed; fields of a source or operation ANDed; values of a field ORed; exact, `prefix*`, `*suffix` and `*` (presence)
 *   string matches; the selector matches workloads in the policy's namespace, or in every namespace from the root one.
 * - istio/istio pilot/pkg/security/authz/model/model.go and generator.go: `notX` is NOT(any value matches); principals
 *   and namespaces match the peer certificate's identity (Envoy `authenticated`), which a request without mutual TLS
 *   lacks: it matches no positive and every negative identity field.
 * - pilot/pkg/security/authz/matcher/header.go (HostMatcher): hosts match case-insensitively.
 * - The same reference: on TCP traffic the HTTP-only fields cannot be processed; "for a DENY rule, missing attributes are
 *   treated as matches", while an ALLOW rule that needs them matches nothing (model.go checkError).
 * - The same reference, `targetRefs`: a policy that names a Gateway (group gateway.networking.k8s.io) applies to that
 *   Gateway's proxy, which must be in the policy's namespace, instead of to workloads by selector; a waypoint honours
 *   only this (ambient/usage/l7-features).
 * Whatever else a policy uses (ipBlocks, targetRef, targetRefs to other kinds, other conditions) is refused, so nothing
 * is judged by a guess.
 */

export interface Workload {
    namespace: string;
    labels: { [label: string]: string };
    /** The Gateway API Gateway whose proxy this is (a waypoint's, or a class `istio` Gateway's), if any. */
    gateway?: string;
}

export interface AuthzRequest {
    /** The peer's identity from mutual TLS, without `spiffe://`: `<trust domain>/ns/<ns>/sa/<sa>`. Absent without mTLS. */
    principal?: string;
    /** `http` carries host, method and path; `tcp` carries none of them. */
    protocol: "http" | "tcp";
    /** The destination port of the connection. */
    port: number;
    /** The Host header (`:authority`), as the client sent it. */
    host?: string;
    method?: string;
    path?: string;
    /** The TLS SNI of the connection (`connection.sni`). */
    sni?: string;
    /** JWT claims (`request.auth.claims[...]`). */
    claims?: { [claim: string]: string };
}

interface Source {
    principals?: string[];
    notPrincipals?: string[];
    namespaces?: string[];
    notNamespaces?: string[];
    requestPrincipals?: string[];
    notRequestPrincipals?: string[];
    [unmodelled: string]: string[] | undefined;
}

interface Operation {
    hosts?: string[];
    notHosts?: string[];
    ports?: string[];
    notPorts?: string[];
    methods?: string[];
    notMethods?: string[];
    paths?: string[];
    notPaths?: string[];
}

interface Condition {
    key: string;
    values?: string[];
    notValues?: string[];
}

export interface Rule {
    from?: { source?: Source }[];
    to?: { operation?: Operation }[];
    when?: Condition[];
}

export interface AuthorizationPolicy {
    metadata: { name: string; namespace: string };
    spec: {
        selector?: { matchLabels?: { [label: string]: string } };
        targetRef?: unknown;
        targetRefs?: { group?: string; kind: string; name: string }[];
        action?: "ALLOW" | "DENY" | "AUDIT" | "CUSTOM";
        provider?: { name: string };
        rules?: Rule[];
    };
}

export interface Decision {
    allowed: boolean;
    /** Which step decided, and by which policy: `DENY by istio-system/x`, `no ALLOW policy`, … */
    reason: string;
}

/** What the mesh knows beyond the policies: its root namespace, and CUSTOM providers' answers by provider name. */
export interface MeshSettings {
    rootNamespace: string;
    customProviders?: { [provider: string]: (request: AuthzRequest) => boolean };
}

const MESH_DEFAULTS: MeshSettings = { rootNamespace: "istio-system" };
const ISTIO_FIELDS = { source: ["principals", "notPrincipals", "namespaces", "notNamespaces", "requestPrincipals", "notRequestPrincipals"] };

/** Istio's string match: exact, `prefix*`, `*suffix`, and `*` for any non-empty value. */
export function istioStringMatch(pattern: string, value: string | undefined, ignoreCase = false): boolean {
    if (value === undefined || value === "") return false;
    const [p, v] = ignoreCase ? [pattern.toLowerCase(), value.toLowerCase()] : [pattern, value];
    if (p === "*") return true;
    if (p.startsWith("*")) return v.endsWith(p.slice(1));
    if (p.endsWith("*")) return v.startsWith(p.slice(0, -1));
    return v === p;
}

/**
 * A field's values ORed, its not-values as NOT(OR), both ANDed. `undefined` means the attribute is unavailable (no
 * identity, or HTTP-only on TCP): no positive value matches it and every negative one does.
 */
function fieldMatches(values: string[] | undefined, notValues: string[] | undefined, actual: string | undefined, ignoreCase = false): boolean {
    const any = (patterns: string[]) => patterns.some((p) => istioStringMatch(p, actual, ignoreCase));
    return (values === undefined || values.length === 0 || any(values)) && (notValues === undefined || notValues.length === 0 || !any(notValues));
}

function namespaceOf(principal: string | undefined): string | undefined {
    return principal?.match(/\/ns\/([^/]+)\//)?.[1];
}

/** Whether the rule uses a field that TCP traffic cannot carry. */
function httpOnlyFieldsIn(rule: Rule): boolean {
    const operations = (rule.to ?? []).map((t) => t.operation ?? {});
    const sources = (rule.from ?? []).map((f) => f.source ?? {});
    return operations.some((o) => [o.hosts, o.notHosts, o.methods, o.notMethods, o.paths, o.notPaths].some((f) => f !== undefined && f.length > 0))
        || sources.some((s) => [s.requestPrincipals, s.notRequestPrincipals].some((f) => f !== undefined && f.length > 0))
        || (rule.when ?? []).some((c) => c.key.startsWith("request."));
}

function sourceMatches(source: Source, request: AuthzRequest, ignoreHttp: boolean): boolean {
    const unmodelled = Object.keys(source).filter((field) => !ISTIO_FIELDS.source.includes(field));
    if (unmodelled.length > 0) throw new Error(`source fields not modelled: ${unmodelled.join(", ")}`);
    const requestPrincipal = request.claims ? `${request.claims.iss}/${request.claims.sub}` : undefined;
    return fieldMatches(source.principals, source.notPrincipals, request.principal)
        && fieldMatches(source.namespaces, source.notNamespaces, namespaceOf(request.principal))
        && (ignoreHttp || fieldMatches(source.requestPrincipals, source.notRequestPrincipals, requestPrincipal));
}

function operationMatches(operation: Operation, request: AuthzRequest, ignoreHttp: boolean): boolean {
    return fieldMatches(operation.ports, operation.notPorts, String(request.port))
        && (ignoreHttp || (
            fieldMatches(operation.hosts, operation.notHosts, request.host, true)
            && fieldMatches(operation.methods, operation.notMethods, request.method)
            && fieldMatches(operation.paths, operation.notPaths, request.path)));
}

function conditionMatches(condition: Condition, request: AuthzRequest, ignoreHttp: boolean): boolean {
    const claim = condition.key.match(/^request\.auth\.claims\[(.+)\]$/)?.[1];
    const attributes: { [key: string]: string | undefined } = {
        "connection.sni": request.sni,
        "source.principal": request.principal,
        "source.namespace": namespaceOf(request.principal),
        "destination.port": String(request.port),
    };
    if (claim !== undefined) return ignoreHttp || fieldMatches(condition.values, condition.notValues, request.claims?.[claim]);
    if (!(condition.key in attributes)) throw new Error(`condition ${condition.key} not modelled`);
    return fieldMatches(condition.values, condition.notValues, attributes[condition.key]);
}

/**
 * A rule matches when one of its sources, one of its operations and all of its conditions match (an absent list
 * matches anything). On TCP, a DENY rule ignores its HTTP-only fields; any other rule that has them matches nothing.
 */
export function ruleMatches(rule: Rule, request: AuthzRequest, action: string): boolean {
    const ignoreHttp = request.protocol === "tcp";
    if (ignoreHttp && action !== "DENY" && httpOnlyFieldsIn(rule)) return false;
    const from = rule.from ?? [];
    const to = rule.to ?? [];
    return (from.length === 0 || from.some((f) => sourceMatches(f.source ?? {}, request, ignoreHttp)))
        && (to.length === 0 || to.some((t) => operationMatches(t.operation ?? {}, request, ignoreHttp)))
        && (rule.when ?? []).every((c) => conditionMatches(c, request, ignoreHttp));
}

/** A policy applies to workloads in its namespace (every namespace from the root one) whose labels its selector holds. */
export function selects(policy: AuthorizationPolicy, workload: Workload, rootNamespace: string): boolean {
    if (policy.spec.targetRef !== undefined) throw new Error("targetRef is not modelled");
    const { targetRefs } = policy.spec;
    if (targetRefs !== undefined) {
        if (!targetRefs.every((t) => t.kind === "Gateway" && t.group === "gateway.networking.k8s.io")) throw new Error("targetRefs other than Gateways are not modelled");
        return policy.metadata.namespace === workload.namespace && targetRefs.some((t) => t.name === workload.gateway);
    }
    const inScope = policy.metadata.namespace === workload.namespace || policy.metadata.namespace === rootNamespace;
    const labels = policy.spec.selector?.matchLabels ?? {};
    return inScope && Object.entries(labels).every(([key, value]) => workload.labels[key] === value);
}

const policyName = (p: AuthorizationPolicy) => `${p.metadata.namespace}/${p.metadata.name}`;

/** Istio's decision for `request` arriving at `workload`, given every AuthorizationPolicy in the mesh. */
export function authorize(policies: AuthorizationPolicy[], workload: Workload, request: AuthzRequest, mesh: MeshSettings = MESH_DEFAULTS): Decision {
    const applicable = policies.filter((p) => selects(p, workload, mesh.rootNamespace));
    const withAction = (action: string) => applicable.filter((p) => (p.spec.action ?? "ALLOW") === action);
    const matching = (p: AuthorizationPolicy, action: string) => (p.spec.rules ?? []).some((rule) => ruleMatches(rule, request, action));

    for (const custom of withAction("CUSTOM").filter((p) => matching(p, "CUSTOM"))) {
        const provider = mesh.customProviders?.[custom.spec.provider?.name ?? ""];
        if (!provider) throw new Error(`CUSTOM provider ${custom.spec.provider?.name} not given`);
        if (!provider(request)) return { allowed: false, reason: `CUSTOM by ${policyName(custom)}` };
    }
    const deny = withAction("DENY").find((p) => matching(p, "DENY"));
    if (deny) return { allowed: false, reason: `DENY by ${policyName(deny)}` };
    const allowPolicies = withAction("ALLOW");
    if (allowPolicies.length === 0) return { allowed: true, reason: "no ALLOW policy" };
    const allow = allowPolicies.find((p) => matching(p, "ALLOW"));
    return allow ? { allowed: true, reason: `ALLOW by ${policyName(allow)}` } : { allowed: false, reason: "no ALLOW policy matches" };
}
