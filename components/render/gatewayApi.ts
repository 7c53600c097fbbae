import type { IGateway } from "@kubernetes-models/gateway-api/gateway.networking.k8s.io/v1/Gateway" with { "resolution-mode": "import" };
import type { IHTTPRoute } from "@kubernetes-models/gateway-api/gateway.networking.k8s.io/v1/HTTPRoute" with { "resolution-mode": "import" };
import type { IReferenceGrant } from "@kubernetes-models/gateway-api/gateway.networking.k8s.io/v1beta1/ReferenceGrant" with { "resolution-mode": "import" };
import { ResolvedConfig, ResolvedDestination, ResolvedGateway, ResolvedServer } from "../config";
import { objectNames } from "../naming";
import { GATEWAY_PORT } from "./istio";

// Specs typed by the upstream Gateway API CRD schemas, like the Istio ones.
export type KubernetesGatewaySpec = IGateway["spec"];
export type HttpRouteSpec = IHTTPRoute["spec"];
export type ReferenceGrantSpec = NonNullable<IReferenceGrant["spec"]>;

export const GATEWAY_API_GROUP = "gateway.networking.k8s.io";
/** Gateway and HTTPRoute are GA (`v1`); ReferenceGrant as Istio's docs declare it, served by every Gateway API release since 0.6. */
export const GATEWAY_API_VERSIONS = { gateway: `${GATEWAY_API_GROUP}/v1`, httpRoute: `${GATEWAY_API_GROUP}/v1`, referenceGrant: `${GATEWAY_API_GROUP}/v1beta1` };

/**
 * Istio makes the deployed gateway's Service a ClusterIP one (else a LoadBalancer): only mesh workloads call an egress
 * gateway. Istio reports the annotation deprecated (Accepted: False, DeprecatedField) yet still reads it, and reads no
 * replacement on every Istio this type supports (docs/gateways.md).
 */
export const EGRESS_GATEWAY_ANNOTATIONS = { "networking.istio.io/service-type": "ClusterIP" };

/**
 * A Gateway of class `istio`, which Istio deploys as `<name>-istio`: one HTTPS listener per destination on 443, for its
 * host, terminating Istio mutual TLS from the sidecars (`gateway.istio.io/tls-terminate-mode: ISTIO_MUTUAL` instead of a
 * certificate), and accepting routes from its own namespace only.
 */
export function renderKubernetesGateway(config: Pick<ResolvedConfig, "destinations">): KubernetesGatewaySpec {
    return {
        gatewayClassName: "istio",
        listeners: config.destinations.map((destination) => ({
            name: objectNames.gatewayListener(destination),
            hostname: destination.host,
            port: GATEWAY_PORT,
            protocol: "HTTPS",
            tls: { mode: "Terminate", options: { "gateway.istio.io/tls-terminate-mode": "ISTIO_MUTUAL" } },
            allowedRoutes: { namespaces: { from: "Same" } },
        })),
    };
}

/**
 * Gateway → the destination's TLS port: an outside host as an Istio `Hostname` backend (its ServiceEntry), an in-cluster
 * server as its Service. The origination DestinationRule then makes that hop TLS.
 */
export function renderForwardRoute(destination: ResolvedDestination, gateway: ResolvedGateway): HttpRouteSpec {
    const { server } = destination;
    const backend = server
        ? { name: server.name, namespace: server.namespace, port: destination.port }
        : { group: "networking.istio.io", kind: "Hostname", name: destination.host, port: destination.port };
    return {
        parentRefs: [{ name: gateway.name, sectionName: objectNames.gatewayListener(destination) }],
        hostnames: [destination.host],
        rules: [{ backendRefs: [backend] }],
    };
}

/** Lets the gateway namespace's HTTPRoutes use the server's Service, in the server's namespace. */
export function renderReferenceGrant(server: ResolvedServer, gateway: ResolvedGateway): ReferenceGrantSpec {
    return {
        from: [{ group: GATEWAY_API_GROUP, kind: "HTTPRoute", namespace: gateway.namespace }],
        to: [{ group: "", kind: "Service", name: server.name }],
    };
}
