import * as k8s from "@pulumi/kubernetes";
import type { BenchDestination } from "../scenarios";
import { customResource, inNamespace, originateTls, readObjects, trustedCas } from "./common";
import { fillIn } from "./template";

// The benchmark's destinations through an ambient-mode waypoint, declared by hand as a user would without the
// component (objects in waypoint.yaml; see istio.ts for what "by hand" keeps equal). Each ServiceEntry binds its host
// to the waypoint, and only once the host's origination rule exists, so the waypoint never sends plain HTTP to TLS.

const OBJECTS = readObjects("waypoint.yaml");

export function declareWaypointDirectly(destinations: BenchDestination[]): void {
    const namespace = new k8s.core.v1.Namespace("istio-egress", OBJECTS.gatewayNamespace);
    const waypoint = customResource("waypoint", inNamespace(OBJECTS.waypoint, namespace));
    const cas = trustedCas(destinations);
    for (const [i, destination] of destinations.entries()) {
        const { name } = destination;
        const object = (key: string) => fillIn(OBJECTS[key], destination);
        const origination = originateTls(destination, OBJECTS, cas[i], namespace);
        customResource(`${name}-service-entry`, object(destination.caCertPem ? "serviceEntry" : "serverServiceEntry"), [waypoint, origination]);
    }
}
