import { ResolvedConfig, ResolvedDestination } from "../../components/config";
import { objectNames } from "../../components/naming";
import {
    destinationRuleFor, gatewaysSelecting, IstioObject, isRegistered, KubernetesService, MeshConfig, routesFor,
} from "./configLookup";
import { ProgramRun } from "./harness";

const ISTIO_KINDS = ["Gateway", "DestinationRule", "VirtualService", "ServiceEntry"];
const MESH_HTTP_PORT = 80;
const GATEWAY_PORT = 443;

/**
 * The cluster's Istio configuration once `run` is applied, plus `existing` objects (other instances' runs) and the
 * Services that exist outside the stack (the egress gateway's, unless the component deploys it).
 */
export function meshOf(runs: ProgramRun[], services: KubernetesService[], rootNamespace?: string): MeshConfig {
    const objects: IstioObject[] = [];
    const declared: KubernetesService[] = [];
    for (const run of runs) {
        for (const r of run.registrations) {
            if (!r.type.startsWith("kubernetes:")) continue;
            const { kind, metadata, spec } = r.inputs;
            // A Gateway API Gateway is of another group: only networking.istio.io objects are Istio's networking config.
            if (ISTIO_KINDS.includes(kind) && String(r.inputs.apiVersion).startsWith("networking.istio.io/")) objects.push({ kind, namespace: metadata.namespace, name: metadata.name, spec });
            if (kind === "Service") declared.push({ namespace: metadata.namespace, name: metadata.name });
        }
    }
    return { objects, services: [...services, ...declared], rootNamespace };
}

/** The egress gateway's Service, which exists before the stack (Istio's install) or is made by the Helm chart. */
export function gatewayService(config: ResolvedConfig): KubernetesService {
    return { namespace: config.gateway.namespace, name: config.gateway.name };
}

/**
 * Why a sidecar in `clientNamespace` cannot send `http://<host>` (port 80) through the gateway, or "" if it can: one
 * mesh route, to a registered gateway host, whose subset exists in the DestinationRule the client applies, with the
 * destination's SNI. The host itself must be registered for the client too.
 */
export function meshRouteProblem(mesh: MeshConfig, clientNamespace: string, config: ResolvedConfig, destination: ResolvedDestination): string {
    const where = `${destination.host} from ${clientNamespace}`;
    if (!isRegistered(mesh, clientNamespace, destination.host)) return `${where}: host not registered`;
    const routes = routesFor(mesh, clientNamespace, destination.host, MESH_HTTP_PORT, "mesh");
    if (routes.length !== 1) return `${where}: ${routes.length} mesh routes`;
    const [target, ...more] = routes[0].destinations;
    if (more.length > 0 || target.host !== objectNames.gatewayHost(config.gateway) || target.subset === undefined) {
        return `${where}: route is not to one gateway subset: ${JSON.stringify(routes[0].destinations)}`;
    }
    if (!isRegistered(mesh, clientNamespace, target.host)) return `${where}: gateway host ${target.host} not registered`;
    const rule = destinationRuleFor(mesh, clientNamespace, target.host);
    const subset = rule?.subsets.find((s) => s.name === target.subset);
    if (!subset) return `${where}: no subset ${target.subset} in ${rule ? `${rule.namespace}/${rule.from.join("+")}` : "any DestinationRule on the lookup path"}`;
    const sni = subset.trafficPolicy?.portLevelSettings?.find((p: any) => p.port.number === GATEWAY_PORT)?.tls?.sni;
    return sni === destination.host ? "" : `${where}: subset ${target.subset} sends SNI ${sni}`;
}

/**
 * Why the gateway's pods (in the gateway namespace, with the gateway selector) cannot forward `host` to the service
 * with TLS originated by this destination's rule, or "" if they can.
 */
export function gatewayRouteProblem(mesh: MeshConfig, config: ResolvedConfig, destination: ResolvedDestination): string {
    const gatewayNamespace = config.gateway.namespace;
    const where = `${destination.host} at the gateway`;
    const gateways = gatewaysSelecting(mesh, config.gateway.selector)
        .filter((g) => mesh.objects.find((o) => `${o.namespace}/${o.name}` === g)!.spec.servers.some((s: any) => s.port.number === GATEWAY_PORT && s.hosts.includes(destination.host)));
    if (gateways.length !== 1) return `${where}: ${gateways.length} Gateway objects serve it on ${GATEWAY_PORT}: ${gateways.join(", ")}`;
    const routes = routesFor(mesh, gatewayNamespace, destination.host, GATEWAY_PORT, gateways[0]);
    if (routes.length !== 1) return `${where}: ${routes.length} routes bound to ${gateways[0]}`;
    const [target, ...more] = routes[0].destinations;
    if (more.length > 0 || target.host !== destination.host || target.port !== destination.port) return `${where}: routes to ${JSON.stringify(routes[0].destinations)}`;
    if (!isRegistered(mesh, gatewayNamespace, target.host)) return `${where}: host not registered for the gateway`;
    const rule = destinationRuleFor(mesh, gatewayNamespace, target.host);
    if (!rule?.from.includes(objectNames.originationDestinationRule(destination))) return `${where}: origination rule not applied (${rule?.from.join("+") ?? "none"})`;
    const tls = rule.trafficPolicy?.portLevelSettings?.find((p: any) => p.port.number === destination.port)?.tls;
    return tls?.credentialName === destination.credentialName && tls?.mode === destination.mode ? "" : `${where}: port ${destination.port} TLS is ${JSON.stringify(tls)}`;
}
