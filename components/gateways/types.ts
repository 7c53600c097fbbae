import * as pulumi from "@pulumi/pulumi";
import { DestinationCertificates } from "../certificates";
import { ResolvedConfig, ResolvedDestination } from "../config";
import { ChildContext } from "../namespaces";
import { MeshClient } from "../render/verifyJob";

/** What a gateway rendering declares its objects with: the component's child context and the resolved config. */
export interface GatewayContext extends ChildContext {
    config: ResolvedConfig;
}

/** The gateway once declared: it routes each destination through itself. */
export interface DeclaredGateway {
    /**
     * Declares one destination's path, from a client calling `http://<host>` through the gateway to the host over TLS,
     * with the credential Secret the gateway loads. Returns what must be in place before the verify Job runs.
     */
    route(destination: ResolvedDestination, certificates: DestinationCertificates): pulumi.Resource[];
}

/**
 * One kind of egress gateway (`gateway.type`): a rendering of the same resolved destinations into the objects that kind
 * of gateway reads. The component calls only this; each kind lives in its own file next to this one.
 */
export interface GatewayRendering {
    /** Declares what every destination shares (the gateway itself and whatever must exist first), once per component. */
    declare(context: GatewayContext): DeclaredGateway;
    /** How the clients this gateway serves join the mesh: the verify Job is one of them. */
    client: MeshClient;
}
