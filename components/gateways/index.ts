import { istioRendering } from "./istio";
import { GatewayRendering } from "./types";

export { DeclaredGateway, GatewayContext, GatewayRendering } from "./types";

/** The rendering for the configured kind of gateway: Istio's own Gateway API, the one kind there is so far. */
export function gatewayRendering(): GatewayRendering {
    return istioRendering;
}
