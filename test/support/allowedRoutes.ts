// Which namespaces a Gateway listener's `allowedRoutes` admit: HTTPRoutes on a Gateway API gateway, and, on a waypoint,
// objects (ServiceEntries, Services, workloads) bound to it by `istio.io/use-waypoint`, as istiod decides it:
// pilot/pkg/serviceregistry/ambient/waypoints.go, `makeWaypointSelector` (the HBONE listener's `allowedRoutes.namespaces`;
// `Same` when it has none) and `AllowsAttachmentFromNamespace` (`All`; `Same`: the waypoint's own namespace; `Selector`:
// a label selector over the namespace's labels). Refused, istiod reports `WaypointAttachmentDenied` and the waypoint does
// not take the traffic: ztunnel sends the client's plain HTTP straight to the destination's TLS port.

/** A namespace as the API server stores it: Kubernetes labels every one `kubernetes.io/metadata.name: <name>`. */
export interface NamespaceLabels {
    name: string;
    labels: { [label: string]: string };
}

/** A Kubernetes LabelSelector (apimachinery's `LabelSelectorAsSelector`): every `matchLabels` pair and every expression. */
export interface LabelSelector {
    matchLabels?: { [label: string]: string };
    matchExpressions?: { key: string; operator: string; values?: string[] }[];
}

export function labelSelectorMatches(selector: LabelSelector | undefined, labels: { [label: string]: string }): boolean {
    const pairs = Object.entries(selector?.matchLabels ?? {}).every(([key, value]) => labels[key] === value);
    return pairs && (selector?.matchExpressions ?? []).every(({ key, operator, values = [] }) => {
        switch (operator) {
            case "In": return key in labels && values.includes(labels[key]);
            case "NotIn": return !(key in labels) || !values.includes(labels[key]);
            case "Exists": return key in labels;
            case "DoesNotExist": return !(key in labels);
            default: throw new Error(`unknown label selector operator ${operator}`);
        }
    });
}

/** The labels of namespace `name`: those declared on it (if it is declared), and the one Kubernetes sets. */
export function namespaceLabels(name: string, declared: { [label: string]: string } = {}): NamespaceLabels {
    return { name, labels: { ...declared, "kubernetes.io/metadata.name": name } };
}

/**
 * Whether a Gateway listener's `allowedRoutes` admit an object from namespace `from`, for a Gateway in `gatewayNamespace`:
 * `Same` by default (the Gateway API's listener rules, which istiod's waypoint binding follows too).
 */
export function listenerAdmits(listener: any, gatewayNamespace: string, from: NamespaceLabels): boolean {
    const namespaces = listener?.allowedRoutes?.namespaces;
    switch (namespaces?.from ?? "Same") {
        case "All": return true;
        // A Selector listener without a selector matches no namespace (apimachinery: a nil selector selects nothing).
        case "Selector": return namespaces.selector !== undefined && labelSelectorMatches(namespaces.selector, from.labels);
        default: return from.name === gatewayNamespace;
    }
}

/**
 * Whether the waypoint Gateway (`spec` in `waypointNamespace`) accepts a binding from `from`. istiod judges the listener
 * on 15008 with protocol HBONE (no inbound-binding annotation here); without one, `Same`.
 */
export function waypointAllowsAttachment(spec: any, waypointNamespace: string, from: NamespaceLabels): boolean {
    return listenerAdmits(spec.listeners?.find((l: any) => l.protocol === "HBONE" && l.port === 15008), waypointNamespace, from);
}
