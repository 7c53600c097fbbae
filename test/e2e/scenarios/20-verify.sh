# The verify Job: `pulumi up` succeeds only once the Job has fetched every destination through the mesh.
configure() {
    config_set verify true
}

check() {
    local namespace succeeded
    namespace="$(config_get verifyNamespace)"
    succeeded="$(k -n "${namespace:-egress-tls-verify}" get job egress-tls-verify -o jsonpath='{.status.succeeded}')"
    [[ "$succeeded" == 1 ]] || fail "the verify Job has not succeeded (status.succeeded=${succeeded:-none})"
    log "the verify Job fetched every destination"
}
