# Every destination through the egress gateway, from a client in a namespace that is neither the routing nor the
# gateway namespace (the gateway-bound DestinationRules must be visible there), with the gateway's SDS credentials ACTIVE.
ROUTING_CLIENT=egress-tls-e2e-client
client_namespaces+=("$ROUTING_CLIENT")

prepare() { own_curl_client "$ROUTING_CLIENT"; }

gateway_logged() {
    local logs
    logs="$(k logs -n "$gateway_namespace" -l "$gateway_selector" --tail=-1 --since-time="$requests_started")" || return 1
    grep -F "\"$1\"" <<<"$logs" | grep -E '"GET / HTTP/[0-9.]+" 200 ' >/dev/null
}

credential_active() {
    istioctl --context "$context" proxy-config secret "$gateway_pod" -n "$gateway_namespace" </dev/null \
        | awk -v name="kubernetes://$1" '$1 == name && / ACTIVE / { found = 1 } END { exit !found }'
}

check() {
    local routing_namespace entry host problem name
    routing_namespace="$(config_get routingNamespace)"
    [[ "$ROUTING_CLIENT" != "${routing_namespace:-default}" && "$ROUTING_CLIENT" != "$gateway_namespace" ]] \
        || fail "the client namespace $ROUTING_CLIENT must be neither the routing nor the gateway namespace"
    curl_client_ready "$ROUTING_CLIENT"
    problem="$(client_mesh_problem "$ROUTING_CLIENT")"
    [[ -z "$problem" ]] || fail "$problem"

    requests_started="$(date -u +%Y-%m-%dT%H:%M:%SZ)"
    for entry in "${hosts[@]}"; do
        host="${entry% *}"
        log "curl http://$host from $ROUTING_CLIENT"
        retry page_served "$ROUTING_CLIENT" "$host" || fail "http://$host did not serve the nginx page; last answer: ${last_page:0:300}"
        retry gateway_logged "$host" || fail "the egress gateway logged no 200 for $host"
        log "  served, through the egress gateway"
    done

    # SDS names: <credentialName>-cacert holds the CA for SIMPLE; a MUTUAL Secret <credentialName> serves the client
    # certificate under its own name and its ca.crt under <credentialName>-cacert.
    # shellcheck disable=SC2016 # ${...} below is JavaScript's
    mapfile -t sds_names < <(p stack output --stack "$stack" credentialSecrets --json | node -e '
        for (const ref of Object.values(JSON.parse(require("fs").readFileSync(0, "utf8")))) {
            const name = ref.split("/")[1];
            console.log(name);
            if (!name.endsWith("-cacert")) console.log(`${name}-cacert`);
        }')
    ((${#sds_names[@]} > 0)) || fail "the stack exports no credential Secret"
    for name in "${sds_names[@]}"; do
        retry credential_active "$name" || fail "the egress gateway has no ACTIVE SDS secret kubernetes://$name"
        log "gateway credential kubernetes://$name: ACTIVE"
    done
}
