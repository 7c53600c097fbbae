import * as pulumi from "@pulumi/pulumi";
import type { BenchDestination } from "../scenarios";
import { customResource, originateTls, readObjects, trustedCas } from "./common";
import { fillIn } from "./template";

// The benchmark's destinations with an Istio egress gateway, declared by hand as a user would without the component:
// the objects are written out in istio.yaml; here they are declared with the same inputs, the same output wiring
// (certificates into Secrets, the namespace's name into its objects) and dependsOn where the order matters. Nothing
// here calls the component's code (validation, naming, renderers), so none of its cost is hidden in this program.
// Loops over destinations are `for…of`, as the component's are: the SDK records a stack trace for every promise it
// makes while a resource is constructed, and source-map-support formats each frame of it except native ones, so a
// `forEach` or `map` callback alone made this program 3 to 5% cheaper per resource (docs/benchmark.md).

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
    for (const [i, destination] of destinations.entries()) routeThroughGateway(destination, gateway, cas[i]);
}
