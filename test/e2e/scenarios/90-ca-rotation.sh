# CA rotation with the stack's own procedure (docs/certificates.md): change ca.rotation and `pulumi up`; every key and
# certificate is re-issued, every credential Secret changes, and every destination is served again.
ROTATION_CLIENT=egress-tls-e2e-rotation
client_namespaces+=("$ROTATION_CLIENT")

prepare() {
    own_namespace "$ROTATION_CLIENT"
    curl_client "$ROTATION_CLIENT"
}

# Every credential Secret's data, as "<namespace/name> <sha256 of its data>".
credential_digests() {
    local ref
    for ref in $(p stack output --stack "$stack" credentialSecrets --json | node -e 'console.log(Object.values(JSON.parse(require("fs").readFileSync(0, "utf8"))).join(" "))'); do
        printf '%s %s\n' "$ref" "$(k -n "${ref%/*}" get secret "${ref#*/}" -o jsonpath='{.data}' | sha256sum | cut -d' ' -f1)"
    done
}

check() {
    local before after entry host
    k -n "$ROTATION_CLIENT" rollout status deploy/curl --timeout="${TIMEOUT}s"
    before="$(credential_digests)"
    config_set ca "$(config_get ca | node -e 'const ca = JSON.parse(require("fs").readFileSync(0, "utf8") || "{}"); console.log(JSON.stringify({ ...ca, rotation: `e2e-${Date.now()}` }))')"
    log "pulumi up with a new ca.rotation"
    p up --stack "$stack" --yes --skip-preview
    after="$(credential_digests)"
    [[ -z "$(comm -12 <(sort <<<"$before") <(sort <<<"$after"))" ]] || fail "credential Secrets unchanged by the rotation: $(comm -12 <(sort <<<"$before") <(sort <<<"$after") | tr '\n' ' ')"
    for entry in "${hosts[@]}"; do
        host="${entry% *}"
        retry page_served "$ROTATION_CLIENT" "$host" || fail "after the rotation, http://$host was not served; last answer: ${last_page:0:300}"
        log "after the rotation: $host served with the new certificates"
    done
}
