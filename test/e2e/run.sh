#!/usr/bin/env bash
# End-to-end check of the egress-tls program on a real cluster with Istio (egress gateway on, access log to stdout):
# `pulumi up` of a throwaway stack (Pulumi.e2e.yaml), a request from a sidecar-injected client to every destination,
# the egress gateway's access log and SDS credentials, then `pulumi destroy` and a check that nothing is left.
#
# Needs kubectl, pulumi, istioctl and node, and `npm ci` done. State goes to a local file backend in a temp dir with a
# passphrase secrets provider: no Pulumi account. The stack is destroyed and removed on any exit.
#
# Environment:
#   E2E_KUBE_CONTEXT  kube context to use (default: kubectl's current context)
#   E2E_REQUIRE=1     fail instead of skipping when a tool or the cluster is missing (CI)
#   E2E_TIMEOUT       seconds to wait for each condition (default: 180)
set -euo pipefail

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
readonly REPO
readonly HERE="$REPO/test/e2e"
# index.ts names its component egress-tls; every object it makes carries this label (components/naming.ts).
readonly INSTANCE_LABEL="egress-tls.dev/instance=egress-tls"
readonly CLIENT_NAMESPACE="egress-tls-e2e-client"
readonly GATEWAY_NAMESPACE="istio-system"
readonly GATEWAY_SELECTOR="istio=egressgateway"
readonly TIMEOUT="${E2E_TIMEOUT:-180}"
# Kinds the component makes, for the label sweep; a kind missing here fails the count check before destroy.
readonly LABELLED_KINDS="namespaces,secrets,configmaps,services,deployments.apps,jobs.batch,networkpolicies.networking.k8s.io,gateways.networking.istio.io,destinationrules.networking.istio.io,virtualservices.networking.istio.io,serviceentries.networking.istio.io"

log() { printf 'e2e: %s\n' "$*"; }
fail() { printf 'e2e: FAIL: %s\n' "$*" >&2; exit 1; }
skip() {
    [[ "${E2E_REQUIRE:-}" != 1 ]] || fail "cannot run: $* (E2E_REQUIRE=1)"
    log "SKIP: $*"
    exit 0
}

# Runs "$@" until it succeeds or TIMEOUT seconds have passed.
retry() {
    local deadline=$((SECONDS + TIMEOUT))
    until "$@"; do
        ((SECONDS < deadline)) || return 1
        sleep 5
    done
}

missing=()
for tool in kubectl pulumi istioctl node; do
    command -v "$tool" >/dev/null 2>&1 || missing+=("$tool")
done
((${#missing[@]} == 0)) || skip "missing command(s): ${missing[*]}"
context="${E2E_KUBE_CONTEXT:-$(kubectl config current-context 2>/dev/null </dev/null || true)}"
[[ -n "$context" ]] || skip "kubectl has no current context and E2E_KUBE_CONTEXT is not set: no cluster to test against"
kubectl --context "$context" --request-timeout=10s get --raw=/readyz >/dev/null 2>&1 </dev/null \
    || skip "the cluster of kube context \"$context\" is not reachable"

k() { kubectl --context "$context" "$@"; }

log "cluster: $context"
[[ -d "$REPO/node_modules/@pulumi/pulumi" ]] || fail "no node_modules: run npm ci first"
k get crd gateways.networking.istio.io >/dev/null || fail "Istio is not installed (no Gateway CRD)"
gateway_pods="$(k get pod -n "$GATEWAY_NAMESPACE" -l "$GATEWAY_SELECTOR" --field-selector=status.phase=Running -o jsonpath='{.items[*].metadata.name}')"
gateway_pod="${gateway_pods%% *}"
[[ -n "$gateway_pod" ]] || fail "no running egress gateway pod ($GATEWAY_SELECTOR in $GATEWAY_NAMESPACE): install Istio with the egress gateway"

work="$(mktemp -d)"
stack="e2e-$(date +%s)-$$"
stack_file="$REPO/Pulumi.$stack.yaml"
stack_created=0
stack_destroyed=0
unset PULUMI_CONFIG_PASSPHRASE
export PULUMI_BACKEND_URL="file://$work/state"
export PULUMI_CONFIG_PASSPHRASE_FILE="$work/passphrase"
export PULUMI_SKIP_UPDATE_CHECK=true
mkdir -p "$work/state"
(umask 077 && od -An -N32 -tx1 /dev/urandom | tr -d ' \n' >"$PULUMI_CONFIG_PASSPHRASE_FILE")

p() { pulumi --cwd "$REPO" --non-interactive "$@"; }

cleanup() {
    local status=$?
    set +e
    trap - EXIT INT TERM
    if ((stack_created && !stack_destroyed)); then
        log "cleanup: pulumi destroy"
        if p destroy --stack "$stack" --yes --skip-preview >"$work/destroy.log" 2>&1; then
            stack_destroyed=1
        else
            cat "$work/destroy.log" >&2
            status=1
        fi
    fi
    if ((stack_created && stack_destroyed)); then
        p stack rm --stack "$stack" --yes >/dev/null 2>&1
    elif ((stack_created)); then
        printf 'e2e: destroy failed; the state is kept: PULUMI_BACKEND_URL=%s PULUMI_CONFIG_PASSPHRASE_FILE=%s pulumi --cwd %s destroy --stack %s\n' \
            "$PULUMI_BACKEND_URL" "$PULUMI_CONFIG_PASSPHRASE_FILE" "$REPO" "$stack" >&2
    fi
    k delete namespace "$CLIENT_NAMESPACE" --ignore-not-found --wait=false >/dev/null 2>&1
    rm -f "$stack_file"
    ((stack_created && !stack_destroyed)) || rm -rf "$work"
    exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

[[ ! -e "$stack_file" ]] || fail "$stack_file exists already"
cp "$HERE/Pulumi.e2e.yaml" "$stack_file"
p stack init "$stack" --secrets-provider passphrase
stack_created=1
p config set --stack "$stack" kubernetes:context "$context"

log "client: a sidecar-injected curl in $CLIENT_NAMESPACE"
k apply -f "$HERE/curl-client.yaml"

log "pulumi up"
p up --stack "$stack" --yes --skip-preview
log "a second preview changes nothing"
p preview --stack "$stack" --expect-no-changes >/dev/null

k -n "$CLIENT_NAMESPACE" rollout status deploy/curl --timeout="${TIMEOUT}s"
client_containers="$(k -n "$CLIENT_NAMESPACE" get pod -l app=curl -o jsonpath='{.items[*].spec.containers[*].name} {.items[*].spec.initContainers[*].name}')"
[[ "$client_containers" == *istio-proxy* ]] || fail "the client pod has no istio-proxy sidecar ($client_containers)"

mapfile -t hosts < <(p config get --stack "$stack" egress-tls:destinations \
    | node -e 'for (const d of JSON.parse(require("fs").readFileSync(0, "utf8"))) console.log(d.host)')
((${#hosts[@]} > 0)) || fail "the stack config lists no destination"

last_page=""
page_served() {
    last_page="$(k -n "$CLIENT_NAMESPACE" exec deploy/curl -c curl -- curl -sS --max-time 10 "http://$1" 2>&1)" || return 1
    [[ "$last_page" == *"Welcome to nginx!"* ]]
}

gateway_logged() {
    local logs
    logs="$(k logs -n "$GATEWAY_NAMESPACE" -l "$GATEWAY_SELECTOR" --tail=-1 --since-time="$requests_started")" || return 1
    grep -F "\"$1\"" <<<"$logs" | grep -E '"GET / HTTP/[0-9.]+" 200 ' >/dev/null
}

requests_started="$(date -u +%Y-%m-%dT%H:%M:%SZ)"
for host in "${hosts[@]}"; do
    log "curl http://$host from the client"
    retry page_served "$host" || fail "http://$host did not serve the nginx page; last answer: ${last_page:0:300}"
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

credential_active() {
    istioctl --context "$context" proxy-config secret "$gateway_pod" -n "$GATEWAY_NAMESPACE" </dev/null \
        | awk -v name="kubernetes://$1" '$1 == name && / ACTIVE / { found = 1 } END { exit !found }'
}
for name in "${sds_names[@]}"; do
    retry credential_active "$name" || fail "the egress gateway has no ACTIVE SDS secret kubernetes://$name"
    log "gateway credential kubernetes://$name: ACTIVE"
done

# Every Kubernetes object in the stack's state, as "<kind>.<version>.<group> <namespace or -> <name>".
# shellcheck disable=SC2016 # ${...} below is JavaScript's
p stack export --stack "$stack" | node -e '
    const state = JSON.parse(require("fs").readFileSync(0, "utf8"));
    for (const resource of state.deployment.resources ?? []) {
        const object = resource.outputs ?? {};
        if (!resource.type.startsWith("kubernetes:") || !object.kind) continue;
        const { name, namespace } = object.metadata ?? {};
        if (typeof name !== "string") throw new Error(`${resource.urn}: no plain metadata.name in the state`);
        const [group, version] = object.apiVersion.includes("/") ? object.apiVersion.split("/") : ["", object.apiVersion];
        console.log(`${group ? `${object.kind}.${version}.${group}` : object.kind} ${namespace || "-"} ${name}`);
    }' >"$work/objects"
object_count="$(wc -l <"$work/objects")"
labelled() { k get "$LABELLED_KINDS" -A -l "$INSTANCE_LABEL" -o name --ignore-not-found; }
labelled_count="$(labelled | grep -c . || true)"
((object_count > 0)) || fail "the stack's state holds no Kubernetes object"
((labelled_count == object_count)) \
    || fail "$object_count objects in the stack, $labelled_count found by $INSTANCE_LABEL: an object lacks the label or LABELLED_KINDS a kind"
log "$object_count objects in the stack, all labelled $INSTANCE_LABEL"

log "pulumi destroy"
p destroy --stack "$stack" --yes --skip-preview
stack_destroyed=1

# Prints what is left of the stack's objects, by name and by label; fails if the cluster cannot tell.
leftovers() {
    local resource namespace name scope
    while read -r resource namespace name; do
        scope=()
        [[ "$namespace" == - ]] || scope=(-n "$namespace")
        k get "$resource" "$name" "${scope[@]}" -o name --ignore-not-found </dev/null || return 1
    done <"$work/objects"
    labelled
}
nothing_left() {
    local left
    left="$(leftovers)" || return 1
    [[ -z "$left" ]]
}
retry nothing_left || fail "left after destroy: $(leftovers | tr '\n' ' ')"
log "destroy left nothing behind"
log "PASS"
