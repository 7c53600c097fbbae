import { ResolvedConfig, ResolvedDestination } from "../config";
import { objectNames } from "../naming";

/** How to see a destination work: a request from a mesh client, the gateway's log line for it, and its credential. */
export interface CheckCommands {
    /**
     * A plain-HTTP request from Istio's `curl` sample (sidecar-injected, or in a namespace labelled
     * `istio.io/dataplane-mode=ambient` for a waypoint; in kubectl's current namespace, or for a destination with
     * `allowedFrom` in its first listed namespace, running as its service account if one is given); prints the service's page.
     */
    request: string;
    /** Finds the request in the egress gateway's access log (needs `meshConfig.accessLogFile`). */
    gatewayLog: string;
    /**
     * For a destination with `allowedFrom`: the same request from a namespace it does not list (`default`, or
     * `egress-tls-unlisted` when `default` is listed), which must print `403`. Absent for an open destination.
     */
    refusedRequest?: string;
    /** Lists the destination's credential as the gateway's proxy holds it; `ACTIVE` once the gateway has loaded it. */
    credential: string;
}

/** A namespace to show a refusal from: `default`, or `egress-tls-unlisted` (numbered if need be) when it is listed. */
function unlistedNamespace(callers: { namespace: string }[]): string {
    const listed = new Set(callers.map((c) => c.namespace));
    if (!listed.has("default")) return "default";
    let candidate = "egress-tls-unlisted";
    for (let i = 2; listed.has(candidate); i++) candidate = `egress-tls-unlisted-${i}`;
    return candidate;
}

function curlFrom(namespace: string | undefined, curlArgs: string, host: string): string {
    return `kubectl exec ${namespace === undefined ? "" : `-n ${namespace} `}deploy/curl -c curl -- curl ${curlArgs} http://${host}`;
}

/** The commands an operator runs to check `destination` by hand. */
export function renderCheckCommands(config: ResolvedConfig, destination: ResolvedDestination): CheckCommands {
    const selector = Object.entries(config.gateway.selector).map(([k, v]) => `${k}=${v}`).join(",");
    const gatewayLog = `kubectl logs -l ${selector} -n ${config.gateway.namespace} --tail=-1 | grep '${destination.host}' | grep HTTP`;
    const credential = `istioctl proxy-config secret deploy/${objectNames.gatewayWorkload(config.gateway)} -n ${config.gateway.namespace} | grep '${destination.credentialName}'`;
    const callers = destination.allowedFrom;
    if (callers === undefined) return { request: curlFrom(undefined, "-sS", destination.host), gatewayLog, credential };
    return {
        request: curlFrom(callers[0].namespace, "-sS", destination.host),
        gatewayLog,
        refusedRequest: curlFrom(unlistedNamespace(callers), `-sS -o /dev/null -w '%{http_code}\\n'`, destination.host),
        credential,
    };
}
