import { GatewayType, ResolvedGateway } from "../config";
import { gatewayApiRendering } from "./gatewayApi";
import { istioRendering } from "./istio";
import { GatewayRendering } from "./types";
import { waypointRendering } from "./waypoint";

export { DeclaredGateway, GatewayContext, GatewayRendering } from "./types";

/** One rendering per `gateway.type`, each in its own file. */
const RENDERINGS: { [type in GatewayType]: GatewayRendering } = {
    istio: istioRendering,
    "gateway-api": gatewayApiRendering,
    waypoint: waypointRendering,
};

/** The rendering for the configured kind of gateway. */
export function gatewayRendering(gateway: ResolvedGateway): GatewayRendering {
    return RENDERINGS[gateway.type];
}
