import * as assert from "assert";
import { spawnSync } from "child_process";
import * as path from "path";
import { REPO_ROOT } from "../support/repoPaths";

const SCENARIO = path.join(__dirname, "scenarios", "allowed-from.sh");
const LISTED = "egress-tls-e2e-client";
const UNLISTED = "egress-tls-e2e-unlisted";
const RESTRICTED_HOST = "my-nginx.mesh-external-mutual.svc.cluster.local";
const OPEN_HOST = "my-nginx.mesh-external.svc.cluster.local";
const DESTINATIONS = [
    { name: "nginx", host: OPEN_HOST },
    { name: "nginx-mutual", host: RESTRICTED_HOST, allowedFrom: [{ namespace: LISTED }] },
];
/** The gateway's access-log line for a refused request, in Istio's default text format. */
const REFUSAL_LOG = `[2026-12-02T04:00:00.000Z] "GET / HTTP/1.1" 403 - rbac_access_denied_matched_policy[ns[istio-system]-policy[allowed-callers-of-nginx-mutual]-rule[0]] - "-" 0 19 0 - "-" "curl/8.11.1" "id" "${RESTRICTED_HOST}" "-" - - 10.0.0.5:443 10.0.0.9:40000 ${RESTRICTED_HOST} -`;

interface Cluster {
    destinations: object[];
    /** HTTP status per `namespace host`. */
    statuses: { [request: string]: number };
    gatewayLog: string;
}

/**
 * Sources the scenario the way run.sh will, with stand-ins for kubectl and pulumi that answer from `cluster` at once,
 * and runs allowed_from_check.
 */
function runCheck(cluster: Cluster): { status: number | null; stdout: string; stderr: string } {
    const statuses = Object.entries(cluster.statuses).map(([request, status]) => `[${JSON.stringify(request)}]=${status}`).join(" ");
    const driver = `
set -euo pipefail
log() { printf 'e2e: %s\\n' "$*"; }
fail() { printf 'e2e: FAIL: %s\\n' "$*" >&2; exit 1; }
retry() { "$@"; }
# run.sh's check that a client is in the mesh, here for a sidecar client against the stand-in kubectl below.
client_mesh_problem() { [[ "$(k -n "$1" get pod -l app=curl)" == *istio-proxy* ]] || echo "no istio-proxy in $1"; }
stack=e2e-test HERE=${JSON.stringify(path.join(REPO_ROOT, "test", "e2e"))} CLIENT_NAMESPACE=${LISTED}
GATEWAY_NAMESPACE=istio-system GATEWAY_SELECTOR=istio=egressgateway TIMEOUT=1
declare -A STATUS=(${statuses})
p() { printf '%s' "$DESTINATIONS_JSON"; }
k() {
    case "$*" in
        *" exec deploy/curl "*) local url="\${*: -1}" host; host="\${url#http://}"; printf '%s' "\${STATUS["$2 \${host%/}"]:-000}" ;;
        "logs "*) printf '%s\\n' "$GATEWAY_LOG" ;;
        "apply -f -") cat >/dev/null ;;
        *" get pod "*) printf 'curl istio-proxy' ;;
        "get authorizationpolicies.security.istio.io -n istio-system allowed-callers-of-nginx-mutual") ;;
        "get authorizationpolicies"*) return 1 ;;
    esac
}
source ${JSON.stringify(SCENARIO)}
allowed_from_check
`;
    const run = spawnSync("bash", ["-c", driver], {
        env: { PATH: process.env.PATH, DESTINATIONS_JSON: JSON.stringify(cluster.destinations), GATEWAY_LOG: cluster.gatewayLog },
        encoding: "utf8",
        timeout: 30_000,
    });
    return { status: run.status, stdout: run.stdout, stderr: run.stderr };
}

const ENFORCED: Cluster = {
    destinations: DESTINATIONS,
    statuses: { [`${LISTED} ${RESTRICTED_HOST}`]: 200, [`${UNLISTED} ${RESTRICTED_HOST}`]: 403, [`${UNLISTED} ${OPEN_HOST}`]: 200 },
    gatewayLog: REFUSAL_LOG,
};

describe("the allowedFrom e2e scenario (test/e2e/scenarios/allowed-from.sh), against stand-in CLIs", () => {
    it("is valid bash", () => {
        const check = spawnSync("bash", ["-n", SCENARIO], { encoding: "utf8" });
        assert.strictEqual(check.status, 0, check.stderr);
    });

    it("passes when the listed client gets the page, the unlisted one a logged 403, and the open destination serves both", () => {
        const run = runCheck(ENFORCED);
        assert.strictEqual(run.status, 0, run.stderr);
        assert.match(run.stdout, /nginx-mutual: listed client served, unlisted client refused \(403, logged by allowed-callers-of-nginx-mutual\)/);
        assert.match(run.stdout, /nginx \(open\): unlisted client served/);
    });

    it("fails when the unlisted client gets through", () => {
        const run = runCheck({ ...ENFORCED, statuses: { ...ENFORCED.statuses, [`${UNLISTED} ${RESTRICTED_HOST}`]: 200 } });
        assert.notStrictEqual(run.status, 0);
        assert.match(run.stderr, /the unlisted client got HTTP 200 from http:\/\/my-nginx.mesh-external-mutual.svc.cluster.local, not 403/);
    });

    it("fails when the gateway's log does not show the refusal by the stack's policy", () => {
        const run = runCheck({ ...ENFORCED, gatewayLog: REFUSAL_LOG.replace("allowed-callers-of-nginx-mutual", "someone-elses-policy") });
        assert.notStrictEqual(run.status, 0);
        assert.match(run.stderr, /logged no 403 by allowed-callers-of-nginx-mutual/);
    });

    it("fails when the open destination refuses the unlisted client", () => {
        const run = runCheck({ ...ENFORCED, statuses: { ...ENFORCED.statuses, [`${UNLISTED} ${OPEN_HOST}`]: 403 } });
        assert.notStrictEqual(run.status, 0);
        assert.match(run.stderr, /the open destination nginx refused the unlisted client \(HTTP 403\)/);
    });

    it("refuses a stack config whose restricted destination does not list the runner's client", () => {
        const run = runCheck({ ...ENFORCED, destinations: [DESTINATIONS[0], { ...DESTINATIONS[1], allowedFrom: [{ namespace: "shop" }] }] });
        assert.notStrictEqual(run.status, 0);
        assert.match(run.stderr, /the stack config does not fit/);
    });
});
