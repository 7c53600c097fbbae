import { childName, objectNames } from "../naming";
import { componentNamespace } from "../namespaces";
import { GATEWAY_API_VERSIONS } from "../render/gatewayApi";
import { MESH_HTTP_PORT } from "../render/istio";
import { AMBIENT_CLIENT } from "../render/verifyJob";
import {
    AMBIENT_NAMESPACE_LABELS, renderWaypointGateway, renderWaypointServiceEntry, WAYPOINT_GATEWAY_LABELS, waypointBindingLabels,
    waypointPolicyAttachment,
} from "../render/waypoint";
import { credentialReader, customObject, istioObject, originateTls, restrictCallers, RoutingContext } from "./objects";
import { GatewayRendering } from "./types";

// Ambient mode: a waypoint is the egress gateway (Istio's docs, ambient/usage/egress-gateway; Istio's
// TestWaypointAsEgressGateway). ztunnel sends a client's traffic for a ServiceEntry bound to the waypoint through it.

/** Ambient clients → ztunnel → waypoint (HBONE) → host, TLS originated on the ServiceEntry's port 80. */
export const waypointRendering: GatewayRendering = {
    client: AMBIENT_CLIENT,
    declare(context) {
        const { gateway } = context.config;
        const namespace = componentNamespace(context, gateway.namespace, AMBIENT_NAMESPACE_LABELS);
        const routing: RoutingContext = { ...context, gatewayReady: [namespace] };
        const waypoint = customObject(routing, childName(context.component, "gateway"),
            { apiVersion: GATEWAY_API_VERSIONS.gateway, kind: "Gateway" },
            { name: gateway.name, namespace: gateway.namespace, labels: WAYPOINT_GATEWAY_LABELS }, renderWaypointGateway(context.config.routingNamespace), [namespace]);
        // A waypoint's ServiceAccount is named after its Gateway.
        const reader = credentialReader(routing, objectNames.gatewayWorkload(gateway));
        const credentialsReady: RoutingContext = { ...routing, gatewayReady: [namespace, ...reader] };
        return {
            route(destination, certificates) {
                // Port-level settings match the ServiceEntry's port 80, not its targetPort.
                const origination = originateTls(credentialsReady, destination, certificates, MESH_HTTP_PORT);
                // Bound to the waypoint last: before its origination rule exists, the waypoint would send plain HTTP to the TLS port.
                const serviceEntry = istioObject(routing, childName(context.component, destination.name, "service-entry"), "ServiceEntry",
                    { name: objectNames.serviceEntry(destination), namespace: context.config.routingNamespace, labels: waypointBindingLabels(gateway) },
                    renderWaypointServiceEntry(destination), [waypoint, origination]);
                return [origination, serviceEntry, ...restrictCallers(routing, destination, waypointPolicyAttachment(gateway))];
            },
        };
    },
};
