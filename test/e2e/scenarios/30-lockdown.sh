# lockdown: a pod in a locked-down namespace cannot reach a destination's host directly, but can through the gateway.
LOCKED_CLIENT=egress-tls-e2e-locked
client_namespaces+=("$LOCKED_CLIENT")

configure() {
    config_set lockdown "{\"namespaces\": [\"$LOCKED_CLIENT\"]}"
}

prepare() { own_curl_client "$LOCKED_CLIENT"; }

# A TLS connection straight to the host's port, around the mesh route (port 80 only): the NetworkPolicy must drop it.
direct_refused() {
    ! k -n "$LOCKED_CLIENT" exec deploy/curl -c curl -- curl -sSk --max-time 5 -o /dev/null "https://$1:$2" >/dev/null 2>&1
}

check() {
    local entry host port
    curl_client_ready "$LOCKED_CLIENT"
    for entry in "${hosts[@]}"; do
        host="${entry% *}"
        port="${entry#* }"
        retry page_served "$LOCKED_CLIENT" "$host" || fail "locked-down client: http://$host not served through the gateway; last answer: ${last_page:0:300}"
        retry direct_refused "$host" "$port" || fail "locked-down client reached https://$host:$port directly, around the gateway"
        log "locked-down client: $host through the gateway only"
    done
}
