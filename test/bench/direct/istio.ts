import * as pulumi from "@pulumi/pulumi";
import type { BenchDestination } from "../scenarios";
import { customResource, originateTls, readObjects, trustedCas } from "./common";
import { fillIn } from "./template";

// The benchmark's destinations with an Istio egress gateway, declared by hand as a user would without the component:
// the objects are written out in istio.yaml; here they are declared with the same inputs, the same output wiring
// (certificates into Secrets, the namespace's name into its objects) and dependsOn where the order matters. Nothing
// here calls the component's code (validation, naming, renderers), so none of its cost is hidden in this program.

const OBJECTS = readObjects("istio.yaml");

/** The credential the gateway loads, its origination rule, its subset, and the route through it, routed last. */
function routeThroughGateway(destination: BenchDestination, gateway: pulumi.Resource, trustedCaPem: pulumi.Input<string>): void {
    const { name } = destination;
    const origination = originateTls(destination, OBJECTS, trustedCaPem);
    const subset = customResource(`${name}-gateway-subset`, fillIn(OBJECTS.gatewaySubset, destination));
    const serviceEntry = destination.caCertPem ? [customResource(`${name}-service-entry`, fillIn(OBJECTS.serviceEntry, destination))] : [];
    customResource(`${name}-virtual-service`, fillIn(OBJECTS.virtualService, destination), [gateway, subset, origination, ...serviceEntry]);
}

export function declareIstioDirectly(destinations: BenchDestination[]): void {
    const gatewayObject = structuredClone(OBJECTS.gateway);
    gatewayObject.spec.servers[0].hosts = destinations.map((d) => d.host);
    const gateway = customResource("gateway", gatewayObject);
    const cas = trustedCas(destinations);
    destinations.forEach((destination, i) => routeThroughGateway(destination, gateway, cas[i]));
}
