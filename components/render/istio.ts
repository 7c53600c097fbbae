import type { IDestinationRule } from "@kubernetes-models/istio/networking.istio.io/v1/DestinationRule" with { "resolution-mode": "import" };
import type { IGateway } from "@kubernetes-models/istio/networking.istio.io/v1/Gateway" with { "resolution-mode": "import" };
import type { IServiceEntry } from "@kubernetes-models/istio/networking.istio.io/v1/ServiceEntry" with { "resolution-mode": "import" };
import type { IVirtualService } from "@kubernetes-models/istio/networking.istio.io/v1/VirtualService" with { "resolution-mode": "import" };
import { acceptedServerNames, ResolvedConfig, ResolvedDestination, ResolvedGateway } from "../config";
import { objectNames } from "../naming";

// Specs are typed by the upstream CRD schemas, so a misspelt field fails to compile instead of being pruned by the API server.
export type GatewaySpec = NonNullable<IGateway["spec"]>;
export type DestinationRuleSpec = NonNullable<IDestinationRule["spec"]>;
export type VirtualServiceSpec = NonNullable<IVirtualService["spec"]>;
export type ServiceEntrySpec = NonNullable<IServiceEntry["spec"]>;

/** The mesh-side port workloads call in plain HTTP; the sidecar (or waypoint) sends it on to the gateway instead. */
export const MESH_HTTP_PORT = 80;
/** The gateway's listener for mesh traffic, secured with Istio mutual TLS. */
export const GATEWAY_PORT = 443;

/**
 * The hosts of the Gateway's one server. Istio matches the gateway's filter chain for a TLS server by SNI against these
 * (GetSNIHostsForServer, pilot/pkg/model/gateway.go), so every request that reaches this stack's routes arrived with one
 * of them as its SNI.
 */
export function gatewayServerHosts(config: Pick<ResolvedConfig, "destinations">): string[] {
    return config.destinations.map((d) => d.host);
}

/** One Gateway for every destination: mesh traffic reaches the egress gateway on 443 in Istio mutual TLS. */
export function renderGateway(config: Pick<ResolvedConfig, "gateway" | "destinations">): GatewaySpec {
    return {
        selector: config.gateway.selector,
        servers: [{
            port: { number: GATEWAY_PORT, name: "https", protocol: "HTTPS" },
            hosts: gatewayServerHosts(config),
            tls: { mode: "ISTIO_MUTUAL" },
        }],
    };
}

/**
 * Where a route or a host registration is seen: everywhere, said outright. Objects without `exportTo` take the mesh's
 * `defaultVirtualServiceExportTo` / `defaultServiceExportTo` (pilot/pkg/model/push_context.go). With those set to "."
 * (a hardening some meshes use) the egress gateway in its own namespace would find no route, and clients in other
 * namespaces no mesh route: under `ALLOW_ANY` an outside host's `http://H` would leave as plain HTTP, past the gateway
 * and its policy.
 */
export const EXPORTED_TO_ALL = "*";

/**
 * Sidecar → gateway: the destination's own subset, so each destination keeps its SNI.
 *
 * Every client sidecar must find this rule. Istio looks for a client's DestinationRule in the client's namespace, then
 * among the rules exported from the namespace of the service the rule is for, then among those exported from the root
 * namespace, and nowhere else (`destinationRule()` in istio/istio pilot/pkg/model/push_context.go; "Cross-namespace
 * configuration" in Istio's traffic-management best practices; istio/istio#30730 is this 503 on an egress gateway).
 * So it lives in the gateway Service's namespace, the one namespace on every client's lookup path for the gateway host,
 * and is exported to all explicitly: a mesh whose `defaultDestinationRuleExportTo` is "." would otherwise hide it.
 * It has subsets and no top-level traffic policy, so a client that calls the gateway without naming a subset is
 * unaffected; Istio merges these rules (one per destination, per instance) by unique subset name.
 */
export function renderGatewayDestinationRule(destination: ResolvedDestination, gateway: ResolvedGateway): DestinationRuleSpec {
    return {
        host: objectNames.gatewayHost(gateway),
        exportTo: [EXPORTED_TO_ALL],
        subsets: [{
            name: objectNames.subset(destination),
            trafficPolicy: {
                loadBalancer: { simple: "ROUND_ROBIN" },
                portLevelSettings: [{ port: { number: GATEWAY_PORT }, tls: { mode: "ISTIO_MUTUAL", sni: destination.host } }],
            },
        }],
    };
}

/** mesh :80 → the gateway's subset for the destination, on the gateway's TLS port. */
function meshToGatewayRoute(destination: ResolvedDestination, gateway: ResolvedGateway): NonNullable<VirtualServiceSpec["http"]>[number] {
    return {
        match: [{ gateways: ["mesh"], port: MESH_HTTP_PORT }],
        route: [{ destination: { host: objectNames.gatewayHost(gateway), subset: objectNames.subset(destination), port: { number: GATEWAY_PORT } }, weight: 100 }],
    };
}

/** mesh :80 → gateway subset :443; gateway :443 (through this instance's Gateway object) → the host on its TLS port. */
export function renderVirtualService(destination: ResolvedDestination, config: Pick<ResolvedConfig, "gateway" | "namePrefix">): VirtualServiceSpec {
    const { gateway } = config;
    const gatewayObject = objectNames.gatewayObject(config);
    return {
        hosts: [destination.host],
        exportTo: [EXPORTED_TO_ALL],
        gateways: [gatewayObject, "mesh"],
        http: [
            meshToGatewayRoute(destination, gateway),
            {
                match: [{ gateways: [gatewayObject], port: GATEWAY_PORT }],
                route: [{ destination: { host: destination.host, port: { number: destination.port } }, weight: 100 }],
            },
        ],
    };
}

/**
 * The mesh half alone, for a gateway whose own routes are Gateway API HTTPRoutes. Istio's docs task uses this
 * VirtualService (not an HTTPRoute with the ServiceEntry as parent) for the in-cluster MUTUAL server; one shape serves
 * outside hosts too, and it reaches the destination's own gateway subset, so each keeps its SNI.
 */
export function renderMeshVirtualService(destination: ResolvedDestination, gateway: ResolvedGateway): VirtualServiceSpec {
    return { hosts: [destination.host], exportTo: [EXPORTED_TO_ALL], gateways: ["mesh"], http: [meshToGatewayRoute(destination, gateway)] };
}

/**
 * Gateway → host: TLS originated with the SDS credential, on `port`: the port of the connection the gateway opens (the
 * destination's TLS port), or the service port whose `targetPort` it is (a waypoint's ServiceEntry port), since Istio
 * matches port-level settings against the service port (`pilot/pkg/networking/core/cluster_traffic_policy.go`).
 * Exported to its own namespace only, so no sidecar elsewhere tries to originate TLS with a credential it cannot read.
 *
 * `subjectAltNames` is always set. With `sni` set, Istio turns on neither auto-SNI nor Envoy's automatic SAN check
 * against the request's host (istio/istio pilot/pkg/networking/core/cluster_tls.go, setAutoSniAndAutoSanValidation:
 * for a cluster that is not a dynamic forward proxy, auto SAN validation only when `sni` is empty and `subjectAltNames`
 * is empty), so without a list the gateway would accept any certificate the CA signed, for any name.
 */
export function renderOriginationDestinationRule(destination: ResolvedDestination, port = destination.port): DestinationRuleSpec {
    return {
        host: destination.host,
        exportTo: ["."],
        trafficPolicy: {
            loadBalancer: { simple: "ROUND_ROBIN" },
            portLevelSettings: [{
                port: { number: port },
                tls: {
                    mode: destination.mode,
                    credentialName: destination.credentialName,
                    sni: destination.host,
                    subjectAltNames: acceptedServerNames(destination),
                },
            }],
        },
    };
}

/** An outside host is unknown to the mesh until registered; DNS resolution lets the gateway follow its address. */
export function renderServiceEntry(destination: ResolvedDestination): ServiceEntrySpec {
    return {
        hosts: [destination.host],
        exportTo: [EXPORTED_TO_ALL],
        location: "MESH_EXTERNAL",
        resolution: "DNS",
        ports: [
            { number: MESH_HTTP_PORT, name: "http", protocol: "HTTP" },
            { number: destination.port, name: "https", protocol: "HTTPS" },
        ],
    };
}
