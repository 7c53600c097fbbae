import { ResolvedConfig, ResolvedDestination } from "../config";

/** How to see a destination work: a request from a sidecar-injected client, and the gateway's log line for it. */
export interface CheckCommands {
    /** A plain-HTTP request from Istio's `curl` sample (sidecar-injected, `default` namespace); prints the service's page. */
    request: string;
    /** Finds the request in the egress gateway's access log (needs `meshConfig.accessLogFile`). */
    gatewayLog: string;
}

/** The commands an operator runs to check `destination` by hand. */
export function renderCheckCommands(config: ResolvedConfig, destination: ResolvedDestination): CheckCommands {
    const selector = Object.entries(config.gateway.selector).map(([k, v]) => `${k}=${v}`).join(",");
    return {
        request: `kubectl exec deploy/curl -c curl -- curl -sS http://${destination.host}`,
        gatewayLog: `kubectl logs -l ${selector} -n ${config.gateway.namespace} --tail=-1 | grep '${destination.host}' | grep HTTP`,
    };
}
