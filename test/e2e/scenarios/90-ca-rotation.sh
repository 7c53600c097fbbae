# CA rotation by generations, the documented procedure (docs/certificates.md): three `pulumi up`s (trust generation 2,
# issue from it, drop generation 1) while every destination is requested without pause; not one request may fail.
ROTATION_CLIENT=egress-tls-e2e-rotation
client_namespaces+=("$ROTATION_CLIENT")

prepare() { own_curl_client "$ROTATION_CLIENT"; }

# Requests every destination over and over until the file $1 exists; each failed request is a line in the file $2.
probe_until() {
    local stop="$1" failures="$2" entry host
    until [[ -e "$stop" ]]; do
        for entry in "${hosts[@]}"; do
            host="${entry% *}"
            page_served "$ROTATION_CLIENT" "$host" || echo "$(date -u +%T) $host: ${last_page:0:200}" >>"$failures"
        done
    done
}

# The stack's `certificates` output as "<destination> <certificate> <sha256 fingerprint>" lines.
certificate_fingerprints() {
    p stack output --stack "$stack" certificates --json | node -e '
        const all = JSON.parse(require("fs").readFileSync(0, "utf8"));
        for (const [destination, certificates] of Object.entries(all))
            for (const [name, facts] of Object.entries(certificates)) console.log(`${destination} ${name} ${facts.sha256Fingerprint}`);'
}

# One step: `ca` set to the JSON $2 (merged into the stack's), `pulumi up`, then the in-cluster servers' rollouts and the
# gateway's SDS push awaited, all under the prober.
rotation_step() {
    local what="$1" change="$2" work prober entry host
    work="$(mktemp -d)"
    probe_until "$work/stop" "$work/failures" &
    prober=$!
    config_set ca "$(config_get ca | node -e 'const ca = JSON.parse(require("fs").readFileSync(0, "utf8") || "{}"); console.log(JSON.stringify({ ...ca, ...JSON.parse(process.argv[1]) }))' "$change")"
    log "CA rotation, $what: pulumi up"
    p up --stack "$stack" --yes --skip-preview
    for entry in "${hosts[@]}"; do
        host="${entry% *}"
        # An in-cluster server's host is <name>.<namespace>.svc.<cluster domain>.
        if [[ "$host" =~ ^([a-z0-9-]+)\.([a-z0-9-]+)\.svc\. ]]; then
            k -n "${BASH_REMATCH[2]}" rollout status "deploy/${BASH_REMATCH[1]}" --timeout="${TIMEOUT}s"
        fi
    done
    sleep 15 # the gateway's SDS push and a few more rounds of requests after the last pod is ready
    touch "$work/stop"
    wait "$prober"
    [[ ! -s "$work/failures" ]] || fail "CA rotation, $what: requests failed:"$'\n'"$(cat "$work/failures")"
    log "CA rotation, $what: no request failed"
    rm -rf "$work"
}

check() {
    local before after
    curl_client_ready "$ROTATION_CLIENT"
    before="$(certificate_fingerprints)"
    rotation_step "step 1 (trust generation 2)" '{"generations": ["1", "2"], "issuer": "1"}'
    after="$(certificate_fingerprints)"
    [[ "$(grep -E ' (server|client) ' <<<"$before")" == "$(grep -E ' (server|client) ' <<<"$after")" ]] \
        || fail "step 1 re-issued a leaf:"$'\n'"$before"$'\n'"---"$'\n'"$after"
    rotation_step "step 2 (issue from generation 2)" '{"generations": ["1", "2"], "issuer": "2"}'
    rotation_step "step 3 (drop generation 1)" '{"generations": ["2"], "issuer": "2"}'
    after="$(certificate_fingerprints)"
    ! grep -q ' ca-1 ' <<<"$after" || fail "generation 1 is still in the certificates output:"$'\n'"$after"
}
