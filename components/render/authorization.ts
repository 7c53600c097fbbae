import type { IAuthorizationPolicy } from "@kubernetes-models/istio/security.istio.io/v1/AuthorizationPolicy" with { "resolution-mode": "import" };
import { ResolvedAllowedCaller, ResolvedConfig, ResolvedDestination } from "../config";
import { gatewayServerHosts } from "./istio";

// Who may leave through the gateway, per destination. Sources for every rule below:
// - Evaluation order CUSTOM → DENY → ALLOW, "no ALLOW policy: allow": istio/api security/v1beta1/authorization_policy.proto.
// - Rules ORed, `from` entries ORed, fields of a source ANDed, values of a field ORed: same file (Rule, Source).
// - notPrincipals/notNamespaces compile to NOT(authenticated principal matches): istio/istio
//   pilot/pkg/security/authz/model/model.go (rule.principal) and generator.go (srcPrincipalGenerator, srcNamespaceGenerator).
//   Envoy's `authenticated` matcher is false on a connection without a peer certificate, so a caller without identity
//   matches every not-field and is denied.
// - `hosts` is an exact, case-insensitive match unless it starts or ends with `*` (pilot/pkg/security/authz/matcher/header.go
//   HostMatcher); a request may carry `host:port`, so both `host` and `host:*` are listed, as istio.io's security best
//   practices ("Writing Host Match Policies") advise.
// - On a TCP filter chain a DENY rule drops its HTTP-only fields (`hosts`) and matches on the rest
//   (pilot/pkg/security/authz/builder/testdata/action-deny-HTTP-for-TCP-filter-*.yaml; the reference's "For a DENY rule,
//   missing attributes are treated as matches"). `connection.sni` survives there, so the rule is also scoped to the SNIs of
//   this stack's Gateway server: other teams' TCP or TLS-passthrough egress through a shared gateway stays untouched.

export type AuthorizationPolicySpec = NonNullable<IAuthorizationPolicy["spec"]>;

/** AuthorizationPolicy's API group has v1 from Istio 1.22, like networking.istio.io/v1; older clusters get v1beta1. */
export function securityApiVersion(istioApiVersion: string): string {
    return istioApiVersion === "networking.istio.io/v1" ? "security.istio.io/v1" : "security.istio.io/v1beta1";
}

/** The SPIFFE principal, without `spiffe://`, that a caller's sidecar presents on the ISTIO_MUTUAL hop to the gateway. */
function callerPrincipal(trustDomain: string, caller: Required<ResolvedAllowedCaller>): string {
    return `${trustDomain}/ns/${caller.namespace}/sa/${caller.serviceAccount}`;
}

/** Whether `allowedFrom` lets a caller (its namespace and service account) use the destination; open destinations admit all. */
export function admits(destination: ResolvedDestination, caller: Required<ResolvedAllowedCaller>): boolean {
    return destination.allowedFrom?.some((c) => c.namespace === caller.namespace && (c.serviceAccount === undefined || c.serviceAccount === caller.serviceAccount)) ?? true;
}

/**
 * Where a caller policy takes effect. A gateway with TLS listeners: its pods, by `selector`, and only for the SNIs its
 * listeners match (`sniHosts`). A waypoint: by `targetRefs` to its Gateway, since a waypoint ignores `selector`
 * (Istio's docs, ambient/usage/l7-features and TestWaypointAsEgressGateway); its requests arrive over HBONE, with no
 * SNI of their own, so no SNI condition.
 */
export interface PolicyAttachment {
    target: Pick<AuthorizationPolicySpec, "selector" | "targetRefs">;
    sniHosts?: string[];
}

/** The gateway's pods, by the gateway selector, for the SNIs of the Gateway's server (or listeners). */
export function selectedGatewayPods(config: Pick<ResolvedConfig, "gateway" | "destinations">): PolicyAttachment {
    return { target: { selector: { matchLabels: config.gateway.selector } }, sniHosts: gatewayServerHosts(config) };
}

/**
 * A DENY policy at the gateway (`attachment`) for the destination's hosts, refusing every caller that is none of `allowedFrom`.
 * A caller is admitted when its namespace is listed whole OR its principal is listed; the policy denies the negation,
 * namespace not listed AND principal not listed: one source holding both not-fields (ANDed). Split into two rules (ORed)
 * it would refuse a listed service account for not being in a listed namespace. A DENY policy leaves every request it
 * does not match to the other policies, so open destinations and hosts this stack does not route are untouched, which
 * an ALLOW policy would not do (once one selects the gateway, everything it does not match is denied). Undefined for an
 * open destination.
 */
export function renderCallerPolicy(
    config: Pick<ResolvedConfig, "gateway" | "destinations" | "trustDomain">,
    destination: ResolvedDestination,
    attachment: PolicyAttachment = selectedGatewayPods(config),
): AuthorizationPolicySpec | undefined {
    const callers = destination.allowedFrom;
    if (callers === undefined) return undefined;
    const namespaces = callers.filter((c) => c.serviceAccount === undefined).map((c) => c.namespace);
    const principals = callers.flatMap((c) => (c.serviceAccount === undefined ? [] : [callerPrincipal(config.trustDomain, { namespace: c.namespace, serviceAccount: c.serviceAccount })]));
    return {
        ...attachment.target,
        action: "DENY",
        rules: [{
            from: [{
                source: {
                    ...(namespaces.length > 0 ? { notNamespaces: namespaces } : {}),
                    ...(principals.length > 0 ? { notPrincipals: principals } : {}),
                },
            }],
            to: [{ operation: { hosts: [destination.host, `${destination.host}:*`] } }],
            ...(attachment.sniHosts ? { when: [{ key: "connection.sni", values: attachment.sniHosts }] } : {}),
        }],
    };
}

/**
 * The warning for destinations that set `allowedFrom` in a stack without `lockdown`: the policy sees only traffic that
 * goes through the gateway, and nothing then stops a pod from going around it. Undefined when there is nothing to say.
 */
export function unguardedCallerPolicyWarning(config: Pick<ResolvedConfig, "destinations" | "lockdown">): string | undefined {
    if (config.lockdown !== undefined) return undefined;
    const restricted = config.destinations.filter((d) => d.allowedFrom !== undefined).map((d) => d.name);
    if (restricted.length === 0) return undefined;
    return `egress-tls: allowedFrom on ${restricted.join(", ")} is enforced only at the egress gateway, and lockdown is not set: ` +
        "a pod that calls the host directly (no sidecar, or a bypassed one) is not checked. Set lockdown (NetworkPolicy) and " +
        "Istio's outboundTrafficPolicy REGISTRY_ONLY; see docs/security.md.";
}
