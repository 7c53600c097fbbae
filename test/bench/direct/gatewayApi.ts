import * as k8s from "@pulumi/kubernetes";
import type { BenchDestination } from "../scenarios";
import { customResource, inNamespace, originateTls, readObjects, trustedCas } from "./common";
import { fillIn } from "./template";

// The benchmark's destinations through a Gateway API Gateway that Istio deploys, declared by hand as a user would
// without the component (objects in gatewayApi.yaml; see istio.ts for what "by hand" keeps equal). Sidecars send each
// host to the gateway's subset for it; the gateway's HTTPRoute forwards to the host, where the rule originates TLS.

const OBJECTS = readObjects("gatewayApi.yaml");

export function declareGatewayApiDirectly(destinations: BenchDestination[]): void {
    const namespace = new k8s.core.v1.Namespace("istio-egress", OBJECTS.gatewayNamespace);
    const gatewayObject = structuredClone(OBJECTS.gateway);
    gatewayObject.spec.listeners = destinations.map((d) => fillIn(OBJECTS.listener, d));
    const gateway = customResource("gateway", inNamespace(gatewayObject, namespace));
    const cas = trustedCas(destinations);
    for (const [i, destination] of destinations.entries()) {
        const { name } = destination;
        const object = (key: string) => fillIn(OBJECTS[key], destination);
        const origination = originateTls(destination, OBJECTS, cas[i], namespace);
        const subset = customResource(`${name}-gateway-subset`, inNamespace(object("gatewaySubset"), namespace));
        const route = destination.caCertPem
            ? customResource(`${name}-route`, object("outsideRoute"), [gateway, origination, customResource(`${name}-service-entry`, object("serviceEntry"))])
            : customResource(`${name}-route`, object("serverRoute"), [gateway, origination, customResource(`${name}-reference-grant`, object("referenceGrant"))]);
        customResource(`${name}-virtual-service`, object("virtualService"), [route, subset]);
    }
}
