import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { DestinationCertificates } from "../certificates";
import { ResolvedDestination } from "../config";
import { deployGateway } from "../gatewayDeployment";
import { aliasesFrom, childName, fixedObjectChildNames, formerDestinationChildName, istioTypeAliases, objectNames } from "../naming";
import { renderCheckCommands } from "../render/checkCommands";
import { renderCallerPolicy, securityApiVersion } from "../render/authorization";
import {
    renderGateway, renderGatewayDestinationRule, renderOriginationDestinationRule, renderServiceEntry, renderVirtualService,
} from "../render/istio";
import { GatewayContext, GatewayRendering } from "./types";

// The walkthrough's objects: Istio's own Gateway, DestinationRules, ServiceEntry and VirtualService (networking.istio.io).

interface RoutingContext extends GatewayContext {
    /** Resources that must exist before anything in the gateway's namespace (a deployed gateway). */
    gatewayReady: pulumi.Resource[];
}

function istioObject(
    context: RoutingContext,
    logicalName: string,
    kind: string,
    metadata: { name: string; namespace: string },
    spec: object,
    dependsOn: pulumi.Resource[] = [],
    apiVersion: string = context.config.istioApiVersion,
): k8s.apiextensions.CustomResource {
    return new k8s.apiextensions.CustomResource(logicalName, {
        apiVersion,
        kind,
        metadata: { ...metadata, labels: context.labels },
        spec,
    }, { parent: context.parent, dependsOn, aliases: istioTypeAliases(kind, apiVersion) });
}

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
 * The Secret the gateway loads over SDS: `ca.crt` for SIMPLE; `tls.crt`, `tls.key` and `ca.crt` for MUTUAL.
 * It lives in the gateway's namespace, the only one the gateway reads credentials from.
 */
function credentialSecret(context: RoutingContext, destination: ResolvedDestination, certificates: DestinationCertificates): k8s.core.v1.Secret {
    const { client, trustedCaPem } = certificates;
    const name = fixedObjectChildNames.credentialSecret(context.component, destination);
    const formerName = formerDestinationChildName(context.component, destination, "credential");
    return new k8s.core.v1.Secret(name, {
        metadata: { name: objectNames.credentialSecret(destination), namespace: context.config.gateway.namespace, labels: context.labels },
        stringData: client ? { "tls.crt": client.certPem, "tls.key": client.keyPem, "ca.crt": trustedCaPem } : { "ca.crt": trustedCaPem },
    }, { parent: context.parent, dependsOn: context.gatewayReady, aliases: aliasesFrom(formerName, name) });
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
    const credential = credentialSecret(context, destination, certificates);
    const origination = istioObject(context, name("originate-tls"), "DestinationRule",
        { name: objectNames.originationDestinationRule(destination), namespace: config.gateway.namespace },
        renderOriginationDestinationRule(destination), [credential]);
    // In the gateway's namespace, where every client finds it (renderGatewayDestinationRule says why).
    const subset = istioObject(context, name("gateway-subset"), "DestinationRule",
        { name: objectNames.gatewayDestinationRule(destination), namespace: config.gateway.namespace },
        renderGatewayDestinationRule(destination, config.gateway), context.gatewayReady);
    const serviceEntry = destination.server ? [] : [istioObject(context, name("service-entry"), "ServiceEntry",
        { name: objectNames.serviceEntry(destination), namespace: config.routingNamespace }, renderServiceEntry(destination))];
    const virtualService = istioObject(context, name("virtual-service"), "VirtualService",
        { name: objectNames.virtualService(destination), namespace: config.routingNamespace },
        renderVirtualService(destination, config), [gateway, subset, origination, ...serviceEntry]);
    return { origination, virtualService };
}

/** The gateway's AuthorizationPolicy for a destination with `allowedFrom`, in the gateway's namespace; none for an open one. */
function restrictCallers(context: RoutingContext, destination: ResolvedDestination): k8s.apiextensions.CustomResource[] {
    const spec = renderCallerPolicy(context.config, destination);
    if (spec === undefined) return [];
    const { config } = context;
    return [istioObject(context, childName(context.component, destination.name, "allowed-callers"), "AuthorizationPolicy",
        { name: objectNames.callerPolicy(destination), namespace: config.gateway.namespace }, spec,
        context.gatewayReady, securityApiVersion(config.istioApiVersion))];
}

/** Istio's own API on a sidecar mesh, with an existing egress gateway or one the component deploys. */
export const istioRendering: GatewayRendering = {
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
    checkCommands: renderCheckCommands,
};
