# shellcheck shell=bash
# Scenario: allowedFrom, who may leave through the egress gateway (issue 14; docs/security.md).
#
# A mesh client in a namespace that a destination's allowedFrom lists gets the page; one in a namespace it
# does not list gets HTTP 403 from the egress gateway, whose access log shows the refusal by the stack's
# AuthorizationPolicy; the unlisted client still reaches the open destinations.
#
# Sourced, not run: it defines two functions and runs nothing by itself.
#   allowed_from_check    after `pulumi up`, once the listed client is rolled out
#   allowed_from_cleanup  from the runner's exit trap (removes the unlisted client's namespace; safe to run twice)
#
# It expects from the runner (test/e2e/run.sh today):
#   functions  k          kubectl with the cluster's context
#              p          pulumi with --cwd and --non-interactive
#              log, fail  report progress / fail the run
#              retry      run "$@" until it succeeds or TIMEOUT seconds have passed
#              client_mesh_problem  why the curl client in a namespace is not in the mesh as the gateway type needs, or nothing
#   variables  stack              the throwaway stack's name
#              HERE               test/e2e, for curl-client.yaml
#              CLIENT_NAMESPACE   the namespace of the runner's sidecar-injected curl client (deploy/curl, container curl)
#              GATEWAY_NAMESPACE  the egress gateway's namespace
#              GATEWAY_SELECTOR   the gateway pods' label selector (key=value)
#              TIMEOUT            seconds, for rollout waits
#   optional   ALLOWED_FROM_UNLISTED_NAMESPACE  the refused client's namespace (default egress-tls-e2e-unlisted)
# and a stack config in which at least one destination lists CLIENT_NAMESPACE as a whole in allowedFrom, and at least one
# other destination has no allowedFrom, e.g. in Pulumi.e2e.yaml:
#     - name: nginx-mutual
#       ...
#       allowedFrom:
#         - namespace: egress-tls-e2e-client
# The gateway must log to stdout (meshConfig.accessLogFile=/dev/stdout, as the runner's Istio install sets).

ALLOWED_FROM_UNLISTED_NAMESPACE="${ALLOWED_FROM_UNLISTED_NAMESPACE:-egress-tls-e2e-unlisted}"
# When the scenario's requests started: the gateway log is read from then on.
allowed_from_started=""

# Prints "<name> <host> <restricted 0|1>" per destination; fails on a restricted destination that does not list the
# runner's client namespace as a whole, since the scenario's listed client would then be refused too.
allowed_from_destinations() {
    # shellcheck disable=SC2016 # ${...} below is JavaScript's
    p config get --stack "$stack" egress-tls:destinations | CLIENT_NAMESPACE="$CLIENT_NAMESPACE" node -e '
        const client = process.env.CLIENT_NAMESPACE;
        for (const d of JSON.parse(require("fs").readFileSync(0, "utf8"))) {
            const callers = d.allowedFrom;
            if (callers && !callers.some((c) => c.namespace === client && c.serviceAccount === undefined)) {
                throw new Error(`destination ${d.name} does not list namespace ${client} as a whole in allowedFrom`);
            }
            console.log(`${d.name} ${d.host} ${callers ? 1 : 0}`);
        }'
}

# The status code a client's plain-HTTP request to http://<host>/ gets; "000" when there is no answer.
allowed_from_status() {
    local namespace=$1 host=$2
    k -n "$namespace" exec deploy/curl -c curl -- curl -sS -o /dev/null -w '%{http_code}' --max-time 10 "http://$host/" 2>/dev/null || true
}

allowed_from_answers() {
    [[ "$(allowed_from_status "$1" "$2")" == "$3" ]]
}

# The gateway logged a 403 for <host> with the RBAC detail naming the stack's policy for <destination>.
allowed_from_refusal_logged() {
    local host=$1 policy="ns[$GATEWAY_NAMESPACE]-policy[allowed-callers-of-$2]" logs
    logs="$(k logs -n "$GATEWAY_NAMESPACE" -l "$GATEWAY_SELECTOR" --tail=-1 --since-time="$allowed_from_started")" || return 1
    grep -F "\"$host\"" <<<"$logs" | grep -E '"GET / HTTP/[0-9.]+" 403 ' | grep -F "rbac_access_denied_matched_policy[$policy" >/dev/null
}

allowed_from_check() {
    local destinations name host restricted problem refused=0 open=0
    destinations="$(allowed_from_destinations)" || fail "allowedFrom scenario: the stack config does not fit (see the header of scenarios/allowed-from.sh)"

    log "allowedFrom: a client (in the mesh as the gateway type needs) in the unlisted namespace $ALLOWED_FROM_UNLISTED_NAMESPACE"
    sed "s/{{namespace}}/$ALLOWED_FROM_UNLISTED_NAMESPACE/g" "$HERE/curl-client.yaml" | k apply -f - >/dev/null
    k -n "$ALLOWED_FROM_UNLISTED_NAMESPACE" rollout status deploy/curl --timeout="${TIMEOUT}s" >/dev/null
    problem="$(client_mesh_problem "$ALLOWED_FROM_UNLISTED_NAMESPACE")"
    [[ -z "$problem" ]] || fail "$problem"

    allowed_from_started="$(date -u +%Y-%m-%dT%H:%M:%SZ)"
    # The list comes in on fd 3, so nothing in the loop (kubectl) can read it off stdin.
    while read -r -u 3 name host restricted; do
        if ((restricted)); then
            refused=$((refused + 1))
            k get authorizationpolicies.security.istio.io -n "$GATEWAY_NAMESPACE" "allowed-callers-of-$name" >/dev/null \
                || fail "no AuthorizationPolicy allowed-callers-of-$name in $GATEWAY_NAMESPACE"
            retry allowed_from_answers "$CLIENT_NAMESPACE" "$host" 200 \
                || fail "the listed client ($CLIENT_NAMESPACE) got HTTP $(allowed_from_status "$CLIENT_NAMESPACE" "$host") from http://$host, not 200"
            retry allowed_from_answers "$ALLOWED_FROM_UNLISTED_NAMESPACE" "$host" 403 \
                || fail "the unlisted client got HTTP $(allowed_from_status "$ALLOWED_FROM_UNLISTED_NAMESPACE" "$host") from http://$host, not 403"
            retry allowed_from_refusal_logged "$host" "$name" \
                || fail "the egress gateway logged no 403 by allowed-callers-of-$name for $host"
            log "  $name: listed client served, unlisted client refused (403, logged by allowed-callers-of-$name)"
        else
            open=$((open + 1))
            retry allowed_from_answers "$ALLOWED_FROM_UNLISTED_NAMESPACE" "$host" 200 \
                || fail "the open destination $name refused the unlisted client (HTTP $(allowed_from_status "$ALLOWED_FROM_UNLISTED_NAMESPACE" "$host"))"
            log "  $name (open): unlisted client served"
        fi
    done 3<<<"$destinations"
    ((refused > 0 && open > 0)) || fail "allowedFrom scenario needs a restricted and an open destination ($refused restricted, $open open)"
}

allowed_from_cleanup() {
    k delete namespace "$ALLOWED_FROM_UNLISTED_NAMESPACE" --ignore-not-found --wait=false >/dev/null 2>&1 || true
}

# --- hooks for run.sh (scenarios/README.md) ------------------------------------------------------------------------------
# The run's other client namespaces are listed on nginx-mutual (so every other scenario's client is still served); the
# unlisted client's namespace is the runner's, created and deleted like the others.
ALLOWED_FROM_LISTED_NAMESPACE=egress-tls-e2e-client
client_namespaces+=("$ALLOWED_FROM_LISTED_NAMESPACE" "$ALLOWED_FROM_UNLISTED_NAMESPACE")

configure() {
    local listed
    listed="$(printf '%s\n' "${client_namespaces[@]}" | grep -vxF "$ALLOWED_FROM_UNLISTED_NAMESPACE" | sort -u | tr '\n' ' ')"
    # shellcheck disable=SC2016 # ${...} below is JavaScript's
    config_set destinations "$(config_get destinations | LISTED="$listed" node -e '
        const listed = process.env.LISTED.trim().split(" ").map((namespace) => ({ namespace }));
        const destinations = JSON.parse(require("fs").readFileSync(0, "utf8"));
        const restricted = destinations.find((d) => d.name === "nginx-mutual");
        if (!restricted) throw new Error("the e2e stack has no nginx-mutual destination to restrict");
        restricted.allowedFrom = listed;
        console.log(JSON.stringify(destinations));')"
}

prepare() {
    own_curl_client "$ALLOWED_FROM_LISTED_NAMESPACE"
    own_namespace "$ALLOWED_FROM_UNLISTED_NAMESPACE"
}

check() {
    curl_client_ready "$ALLOWED_FROM_LISTED_NAMESPACE" >/dev/null
    CLIENT_NAMESPACE="$ALLOWED_FROM_LISTED_NAMESPACE" GATEWAY_NAMESPACE="$gateway_namespace" GATEWAY_SELECTOR="$gateway_selector" allowed_from_check
}
