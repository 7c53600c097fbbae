import * as k8s from "@pulumi/kubernetes";
import { DestinationCertificates } from "../certificates";
import { ResolvedDestination } from "../config";
import { deployGateway } from "../gatewayDeployment";
import { childName, objectNames } from "../naming";
import { renderGateway, renderVirtualService } from "../render/istio";
import { SIDECAR_CLIENT } from "../render/verifyJob";
import { gatewaySubset, istioObject, originateTls, outsideHostEntry, restrictCallers, RoutingContext } from "./objects";
import { GatewayRendering } from "./types";

// The walkthrough's objects: Istio's own Gateway, DestinationRules, ServiceEntry and VirtualService (networking.istio.io).

/**
 * The instance's own Gateway object, which all its VirtualServices bind to. Each instance has its own (named after
 * `namePrefix`), even on a shared egress gateway: Istio merges the servers of every Gateway that selects the same pods,
 * and no instance's `pulumi destroy` can delete a Gateway another instance's routes need.
 */
function gatewayObject(context: RoutingContext): k8s.apiextensions.CustomResource {
    const { config } = context;
    return istioObject(context, childName(context.component, "gateway"), "Gateway",
        { name: objectNames.gatewayObject(config), namespace: config.routingNamespace }, renderGateway(config), context.gatewayReady);
}

/**
 * One destination's path: credential → origination rule, and subsets, ServiceEntry and origination rule before the
 * VirtualService that sends traffic through them (make-before-break: no 503 while rules are missing).
 */
function routeThroughGateway(
    context: RoutingContext,
    destination: ResolvedDestination,
    gateway: k8s.apiextensions.CustomResource,
    certificates: DestinationCertificates,
): { origination: k8s.apiextensions.CustomResource; virtualService: k8s.apiextensions.CustomResource } {
    const { config } = context;
    const name = (suffix: string) => childName(context.component, destination.name, suffix);
    const origination = originateTls(context, destination, certificates);
    const subset = gatewaySubset(context, destination);
    const serviceEntry = outsideHostEntry(context, destination);
    const virtualService = istioObject(context, name("virtual-service"), "VirtualService",
        { name: objectNames.virtualService(destination), namespace: config.routingNamespace },
        renderVirtualService(destination, config), [gateway, subset, origination, ...serviceEntry]);
    return { origination, virtualService };
}

/** Istio's own API on a sidecar mesh, with an existing egress gateway or one the component deploys. */
export const istioRendering: GatewayRendering = {
    client: SIDECAR_CLIENT,
    declare(context) {
        const gatewayReady = context.config.gateway.deploy ? deployGateway(context, context.config.gateway) : [];
        const routing: RoutingContext = { ...context, gatewayReady };
        const gateway = gatewayObject(routing);
        return {
            route(destination, certificates) {
                const { origination, virtualService } = routeThroughGateway(routing, destination, gateway, certificates);
                return [origination, virtualService, ...restrictCallers(routing, destination)];
            },
        };
    },
};
