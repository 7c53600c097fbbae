import type { IGateway } from "@kubernetes-models/gateway-api/gateway.networking.k8s.io/v1/Gateway" with { "resolution-mode": "import" };
import { ResolvedDestination, ResolvedGateway } from "../config";
import { PolicyAttachment } from "./authorization";
import { GATEWAY_API_GROUP } from "./gatewayApi";
import { EXPORTED_TO_ALL, MESH_HTTP_PORT, ServiceEntrySpec } from "./istio";

/** HBONE, the port ztunnel sends a waypoint its traffic on. */
export const HBONE_PORT = 15008;

/** The namespace label that puts pods in ambient mode (ztunnel captures their traffic). */
export const AMBIENT_NAMESPACE_LABELS = { "istio.io/dataplane-mode": "ambient" };

/**
 * What `istioctl waypoint apply --for service` declares (class `istio-waypoint`, one HBONE listener), plus which namespace
 * may bind to it: the routing namespace, where the ServiceEntries live. istiod judges a `istio.io/use-waypoint` binding by
 * the HBONE listener's `allowedRoutes`, `Same` (the waypoint's namespace) when it has none, and ignores a denied one
 * (`AllowsAttachmentFromNamespace`, pilot/pkg/serviceregistry/ambient/waypoints.go). `Selector` on the label Kubernetes
 * sets on every namespace, as Istio's TestWaypointAsEgressGateway does, and not `All`: any namespace could then send its
 * services through the egress waypoint, with its credentials.
 */
export function renderWaypointGateway(routingNamespace: string): IGateway["spec"] {
    return {
        gatewayClassName: "istio-waypoint",
        listeners: [{
            name: "mesh", port: HBONE_PORT, protocol: "HBONE",
            allowedRoutes: { namespaces: { from: "Selector", selector: { matchLabels: { "kubernetes.io/metadata.name": routingNamespace } } } },
        }],
    };
}

/** The Gateway's labels: the waypoint handles traffic addressed to services (ServiceEntries), as an egress gateway does. */
export const WAYPOINT_GATEWAY_LABELS = { "istio.io/waypoint-for": "service" };

/** The ServiceEntry labels that send its traffic through the waypoint, which accepts them from the routing namespace only. */
export function waypointBindingLabels(gateway: ResolvedGateway): { [label: string]: string } {
    return { "istio.io/use-waypoint": gateway.name, "istio.io/use-waypoint-namespace": gateway.namespace };
}

/**
 * The host, bound to the waypoint: clients call `http://<host>` on port 80, which the waypoint sends to the TLS port
 * (`targetPort`) after originating TLS. An in-cluster server is its Service as the endpoint, under a host of its own
 * (Istio's TestWaypointAsEgressGateway, `tests/integration/ambient/waypoint_test.go`).
 */
export function renderWaypointServiceEntry(destination: ResolvedDestination): ServiceEntrySpec {
    const { server } = destination;
    return {
        hosts: [destination.host],
        exportTo: [EXPORTED_TO_ALL],
        location: "MESH_EXTERNAL",
        resolution: "DNS",
        ports: [{ number: MESH_HTTP_PORT, name: "http", protocol: "HTTP", targetPort: destination.port }],
        ...(server ? { endpoints: [{ address: `${server.name}.${server.namespace}.svc.cluster.local` }] } : {}),
    };
}

/** A policy for the waypoint: by reference to its Gateway, which a waypoint honours where it ignores `selector`. */
export function waypointPolicyAttachment(gateway: ResolvedGateway): PolicyAttachment {
    return { target: { targetRefs: [{ group: GATEWAY_API_GROUP, kind: "Gateway", name: gateway.name }] } };
}
