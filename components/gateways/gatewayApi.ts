import * as k8s from "@pulumi/kubernetes";
import { ResolvedServer } from "../config";
import { childName, objectNames } from "../naming";
import { componentNamespace } from "../namespaces";
import {
    EGRESS_GATEWAY_ANNOTATIONS, GATEWAY_API_VERSIONS, renderForwardRoute, renderKubernetesGateway, renderReferenceGrant,
} from "../render/gatewayApi";
import { renderMeshVirtualService } from "../render/istio";
import { SIDECAR_CLIENT } from "../render/verifyJob";
import {
    credentialReader, customObject, gatewaySubset, istioObject, originateTls, outsideHostEntry, restrictCallers, RoutingContext,
} from "./objects";
import { GatewayRendering } from "./types";

// The Kubernetes Gateway API on a sidecar mesh, as Istio's docs task "Egress Gateways with TLS Origination" (Gateway
// API tab) declares it: a Gateway of class `istio`, which Istio deploys as `<name>-istio` in the Gateway's namespace.

/** Lets the gateway's HTTPRoutes use a server's Service in the server's namespace (never the gateway's own). */
function referenceGrant(context: RoutingContext, server: ResolvedServer): k8s.apiextensions.CustomResource {
    return customObject(context, childName(context.component, server.namespace, server.name, "reference-grant"),
        { apiVersion: GATEWAY_API_VERSIONS.referenceGrant, kind: "ReferenceGrant" },
        { name: objectNames.referenceGrant(server), namespace: server.namespace }, renderReferenceGrant(server, context.config.gateway));
}

/** Istio's Gateway API: sidecars → `<name>-istio` in Istio mutual TLS → HTTPRoute → host, TLS originated. */
export const gatewayApiRendering: GatewayRendering = {
    client: SIDECAR_CLIENT,
    declare(context) {
        const { gateway } = context.config;
        // The gateway's pods run here, so its credentials live here; no injection label: Istio's gateway template injects itself.
        const namespace = componentNamespace(context, gateway.namespace);
        const routing: RoutingContext = { ...context, gatewayReady: [namespace] };
        const gatewayObject = customObject(routing, childName(context.component, "gateway"),
            { apiVersion: GATEWAY_API_VERSIONS.gateway, kind: "Gateway" },
            { name: gateway.name, namespace: gateway.namespace, annotations: EGRESS_GATEWAY_ANNOTATIONS },
            renderKubernetesGateway(context.config), [namespace]);
        const reader = credentialReader(routing, objectNames.gatewayWorkload(gateway));
        const credentialsReady: RoutingContext = { ...routing, gatewayReady: [namespace, ...reader] };
        return {
            route(destination, certificates) {
                const name = (suffix: string) => childName(context.component, destination.name, suffix);
                const origination = originateTls(credentialsReady, destination, certificates);
                const grant = destination.server ? [referenceGrant(routing, destination.server)] : [];
                const forward = customObject(routing, name("forward-route"),
                    { apiVersion: GATEWAY_API_VERSIONS.httpRoute, kind: "HTTPRoute" },
                    { name: objectNames.forwardRoute(destination), namespace: gateway.namespace },
                    renderForwardRoute(destination, gateway), [gatewayObject, origination, ...outsideHostEntry(routing, destination), ...grant]);
                // Last, once the gateway can forward the host: the route that sends the mesh's traffic to it.
                const meshRoute = istioObject(routing, name("virtual-service"), "VirtualService",
                    { name: objectNames.meshVirtualService(destination), namespace: context.config.routingNamespace },
                    renderMeshVirtualService(destination, gateway), [forward, gatewaySubset(routing, destination)]);
                return [origination, meshRoute, ...restrictCallers(routing, destination)];
            },
        };
    },
};
