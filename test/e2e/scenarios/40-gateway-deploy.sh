# gateway.deploy: the component installs a dedicated egress gateway (istio/gateway chart) in a namespace of its own,
# and every other selected scenario runs through it. It replaces the stack's gateway, so it runs only when named:
# E2E_SCENARIOS="gateway-deploy routing lockdown".
SCENARIO_BY_DEFAULT=false
DEPLOYED_GATEWAY_NAMESPACE=egress-tls-e2e-gateway

configure() {
    local chart=""
    [[ "$GATEWAY_TYPE" == istio ]] || fail "gateway-deploy is for gateway type istio (Istio deploys a $GATEWAY_TYPE gateway itself)"
    [[ -z "${E2E_ISTIO_VERSION:-}" ]] || chart=", \"chartVersion\": \"$E2E_ISTIO_VERSION\""
    config_set gateway "{\"namespace\": \"$DEPLOYED_GATEWAY_NAMESPACE\", \"name\": \"egress-e2e\", \"selector\": {\"istio\": \"egress-e2e\"}, \"deploy\": true$chart}"
}

check() {
    k -n "$DEPLOYED_GATEWAY_NAMESPACE" rollout status deploy/egress-e2e --timeout="${TIMEOUT}s"
    [[ -n "$gateway_pod" ]] || fail "no pod of the deployed gateway ($gateway_selector in $gateway_namespace)"
    log "deployed gateway pod $gateway_pod is ready"
}
