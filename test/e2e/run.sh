#!/usr/bin/env bash
# End-to-end check of the egress-tls program on a real cluster with Istio (egress gateway on, access log to stdout):
# `pulumi up` of a throwaway stack (Pulumi.e2e.yaml plus what each scenario configures), each scenario's checks, then
# `pulumi destroy` and a check that nothing is left. On failure it prints diagnostics BEFORE anything is destroyed.
#
# Scenarios are files in test/e2e/scenarios/ (one per feature; see scenarios/README.md for the hooks). All run by
# default, in file-name order, against one stack; E2E_SCENARIOS picks some ("routing verify").
#
# Needs bash >= 4.4, kubectl, pulumi, istioctl and node, and `npm ci` done. State goes to a local file backend in a temp
# dir with a passphrase secrets provider: no Pulumi account.
#
# It never touches what isn't its own:
#   - the kube context must be a kind cluster, unless E2E_KUBE_CONTEXT names it explicitly;
#   - an E2E_KUBE_CONTEXT that does not exist fails (it does not skip);
#   - it stops before `pulumi up` if any object the stack would declare, any object with the stack's label, or any
#     namespace the script itself would create already exists, so a destroy can never delete someone else's object.
#
# Usage: run.sh [istio|gateway-api|waypoint]   the gateway.type to test (default istio). What that type needs is installed
# when missing: the Gateway API CRDs (standard channel, $E2E_GATEWAY_API_VERSION), then Istio with access logs, profile
# `demo` (it has istio-egressgateway) for istio and gateway-api, `ambient` for waypoint. An Istio already there is kept;
# a waypoint run fails if it has no ztunnel.
#
# Environment:
#   E2E_KUBE_CONTEXT   kube context to use (default: kubectl's current context, which must be a kind cluster)
#   E2E_REQUIRE        1 or true: fail instead of skipping when a tool or the cluster is missing (CI)
#   E2E_TIMEOUT        seconds to wait for each condition (default: 180)
#   E2E_SCENARIOS      space-separated scenario names to run (default: every file in scenarios/)
#   E2E_ARTIFACTS      folder for diagnostics on failure (default: printed only)
#   E2E_ISTIO_VERSION  chart version for the gateway.deploy scenario (default: the component's default)
#   E2E_GATEWAY_API_VERSION  Gateway API release whose standard CRDs are installed when missing (default: v1.4.0)

# Before anything else: mapfile, ${array[@]} of an empty array under `set -u`, and `wait -n` need bash 4.4.
if [ -z "${BASH_VERSINFO:-}" ] || [ "${BASH_VERSINFO[0]}" -lt 4 ] || { [ "${BASH_VERSINFO[0]}" -eq 4 ] && [ "${BASH_VERSINFO[1]}" -lt 4 ]; }; then
    echo "e2e: FAIL: bash >= 4.4 is required (this is ${BASH_VERSION:-not bash}); on macOS: brew install bash" >&2
    exit 1
fi
set -euo pipefail

readonly GATEWAY_TYPE="${1:-istio}"
case "$GATEWAY_TYPE" in
    istio | gateway-api | waypoint) ;;
    *) echo "e2e: FAIL: usage: run.sh [istio|gateway-api|waypoint] (the gateway.type to test), not \"$GATEWAY_TYPE\"" >&2; exit 2 ;;
esac

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
readonly REPO
readonly HERE="$REPO/test/e2e"
# index.ts names its component egress-tls; every object it makes carries this label (components/naming.ts).
readonly INSTANCE_LABEL="egress-tls.dev/instance=egress-tls"
# Namespaces the script itself creates (clients) carry this label and are deleted on exit.
readonly OWNED_LABEL="egress-tls.dev/e2e-client=true"
readonly TIMEOUT="${E2E_TIMEOUT:-180}"
# Kinds the component makes, for the label sweep; a kind missing here fails the count check before destroy.
readonly LABELLED_KINDS="namespaces,secrets,configmaps,services,deployments.apps,jobs.batch,networkpolicies.networking.k8s.io,gateways.networking.istio.io,destinationrules.networking.istio.io,virtualservices.networking.istio.io,serviceentries.networking.istio.io,authorizationpolicies.security.istio.io,gateways.gateway.networking.k8s.io,httproutes.gateway.networking.k8s.io,referencegrants.gateway.networking.k8s.io,roles.rbac.authorization.k8s.io,rolebindings.rbac.authorization.k8s.io"

log() { printf 'e2e: %s\n' "$*"; }
fail() { printf 'e2e: FAIL: %s\n' "$*" >&2; exit 1; }
required() { [[ "${E2E_REQUIRE:-}" == 1 || "${E2E_REQUIRE:-}" == true ]]; }
skip() {
    ! required || fail "cannot run: $* (E2E_REQUIRE=${E2E_REQUIRE})"
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

# --- which cluster: never one that isn't a throwaway unless named ---------------------------------------------------
if [[ -n "${E2E_KUBE_CONTEXT:-}" ]]; then
    context="$E2E_KUBE_CONTEXT"
    contexts="$(kubectl config get-contexts -o name </dev/null 2>/dev/null || true)"
    grep -qxF "$context" <<<"$contexts" \
        || fail "E2E_KUBE_CONTEXT names kube context \"$context\", which kubectl's config does not have"
else
    context="$(kubectl config current-context 2>/dev/null </dev/null || true)"
    [[ -n "$context" ]] || skip "kubectl has no current context and E2E_KUBE_CONTEXT is not set: no cluster to test against"
fi
k() { kubectl --context "$context" "$@"; }
k --request-timeout=10s get --raw=/readyz >/dev/null 2>&1 </dev/null || skip "the cluster of kube context \"$context\" is not reachable"
if [[ -z "${E2E_KUBE_CONTEXT:-}" ]]; then
    # kind's nodes have provider IDs kind://<provider>/<cluster>/<node>; anything else may be a cluster someone uses.
    providers="$(k get nodes -o jsonpath='{range .items[*]}{.spec.providerID}{"\n"}{end}' </dev/null)"
    [[ -n "$providers" ]] && ! grep -qv '^kind://' <<<"$providers" \
        || fail "kube context \"$context\" is not a kind cluster; to test against it anyway, name it: E2E_KUBE_CONTEXT=$context"
fi
log "cluster: $context"
[[ -d "$REPO/node_modules/@pulumi/pulumi" ]] || fail "no node_modules: run npm ci first"
# --- what the gateway type needs: installed when missing, kept when present ------------------------------------------
readonly GATEWAY_API_VERSION="${E2E_GATEWAY_API_VERSION:-v1.4.0}"
if [[ "$GATEWAY_TYPE" == waypoint ]]; then mesh_profile=ambient; else mesh_profile=demo; fi
if ! k get crd gateways.gateway.networking.k8s.io >/dev/null 2>&1 </dev/null; then
    log "installing the Gateway API CRDs $GATEWAY_API_VERSION (standard channel)"
    k apply --server-side -f "https://github.com/kubernetes-sigs/gateway-api/releases/download/$GATEWAY_API_VERSION/standard-install.yaml" >/dev/null </dev/null
fi
if ! k get crd gateways.networking.istio.io >/dev/null 2>&1 </dev/null; then
    log "installing Istio, profile $mesh_profile, access log to stdout"
    istioctl --context "$context" install -y --set profile="$mesh_profile" --set meshConfig.accessLogFile=/dev/stdout </dev/null
fi
if [[ "$mesh_profile" == ambient ]]; then
    k -n istio-system rollout status daemonset/ztunnel --timeout="${TIMEOUT}s" >/dev/null </dev/null \
        || fail "no ztunnel in istio-system: gateway type waypoint needs Istio's ambient profile (istioctl install --set profile=ambient)"
fi

# --- scenarios --------------------------------------------------------------------------------------------------------
mapfile -t scenario_files < <(find "$HERE/scenarios" -maxdepth 1 -name '*.sh' | sort)
scenario_name() { local base; base="$(basename "$1" .sh)"; echo "${base#[0-9][0-9]-}"; }
# A scenario that sets SCENARIO_BY_DEFAULT=false when sourced (one that changes the whole stack, like gateway-deploy)
# runs only when E2E_SCENARIOS names it.
selected=()
for file in "${scenario_files[@]}"; do
    name="$(scenario_name "$file")"
    SCENARIO_BY_DEFAULT=true
    # shellcheck source=/dev/null
    source "$file"
    if [[ -n "${E2E_SCENARIOS:-}" ]]; then
        [[ " $E2E_SCENARIOS " != *" $name "* ]] || selected+=("$file")
    elif [[ "$SCENARIO_BY_DEFAULT" == true ]]; then
        selected+=("$file")
    fi
done
((${#selected[@]} > 0)) || fail "no scenario matches E2E_SCENARIOS=\"${E2E_SCENARIOS:-}\""
# Runs one hook (configure, prepare, check) of every selected scenario that defines it.
run_hook() {
    local hook="$1" file
    local -a namespaces=("${client_namespaces[@]}")
    for file in "${selected[@]}"; do
        unset -f configure prepare check
        # shellcheck source=/dev/null
        source "$file"
        client_namespaces=("${namespaces[@]}")
        if declare -F "$hook" >/dev/null; then
            log "[$(scenario_name "$file")] $hook"
            "$hook"
        fi
    done
}
# Namespaces the scenarios create for their clients (each selected scenario adds to it when sourced).
client_namespaces=()
for file in "${selected[@]}"; do
    unset -f configure prepare check
    # shellcheck source=/dev/null
    source "$file"
done
declare -A seen_namespace=()
for ns in "${client_namespaces[@]}"; do seen_namespace[$ns]=1; done
client_namespaces=()
((${#seen_namespace[@]} == 0)) || mapfile -t client_namespaces < <(printf '%s\n' "${!seen_namespace[@]}" | sort)

# --- the throwaway stack ----------------------------------------------------------------------------------------------
work="$(mktemp -d)"
stack="e2e-$(date +%s)-$$"
stack_file="$REPO/Pulumi.$stack.yaml"
stack_created=0
stack_deployed=0
stack_destroyed=0
created_namespaces=()
unset PULUMI_CONFIG_PASSPHRASE
export PULUMI_BACKEND_URL="file://$work/state"
export PULUMI_CONFIG_PASSPHRASE_FILE="$work/passphrase"
export PULUMI_SKIP_UPDATE_CHECK=true
mkdir -p "$work/state"
(umask 077 && od -An -N32 -tx1 /dev/urandom | tr -d ' \n' >"$PULUMI_CONFIG_PASSPHRASE_FILE")

p() { pulumi --cwd "$REPO" --non-interactive "$@"; }
# The stack's config, for scenarios, read and written in the stack file itself: `config_set <key> <JSON value>` (typed,
# unlike `pulumi config set --path`; a dotted key sets inside an object) and `config_get <key>` (a string as it is,
# anything else as JSON, nothing if unset). Keys are egress-tls:<key>.
# shellcheck disable=SC2016 # ${...} below is JavaScript's
readonly STACK_FILE_JS='
    const fs = require("fs");
    const { parseDocument } = require("yaml");
    const [command, file, key, value] = process.argv.slice(1);
    const [top, ...rest] = key.split(".");
    const path = ["config", `egress-tls:${top}`, ...rest];
    const document = parseDocument(fs.readFileSync(file, "utf8"));
    if (command === "set") {
        document.setIn(path, JSON.parse(value));
        fs.writeFileSync(file, document.toString());
    } else {
        const found = path.reduce((object, part) => object?.[part], document.toJS());
        if (found !== undefined) console.log(typeof found === "string" ? found : JSON.stringify(found));
    }'
config_set() { (cd "$REPO" && node -e "$STACK_FILE_JS" set "$stack_file" "$1" "$2"); }
config_get() { (cd "$REPO" && node -e "$STACK_FILE_JS" get "$stack_file" "$1"); }

# What an operator needs to see why a run failed, taken while everything still exists.
diagnose() {
    local out="${E2E_ARTIFACTS:-$work/diagnostics}" pod ns
    mkdir -p "$out"
    log "diagnostics (before any cleanup) in $out"
    k get pods -A -o wide >"$out/pods.txt" 2>&1
    k get events -A --sort-by=.lastTimestamp >"$out/events.txt" 2>&1
    istioctl --context "$context" analyze -A >"$out/istioctl-analyze.txt" 2>&1
    for ns in "${client_namespaces[@]}"; do
        for pod in $(k -n "$ns" get pod -l app=curl -o name 2>/dev/null); do
            istioctl --context "$context" proxy-config cluster "${pod#pod/}" -n "$ns" >"$out/proxy-config-cluster-$ns.txt" 2>&1
        done
    done
    k logs -n "${gateway_namespace:-istio-system}" -l "${gateway_selector:-istio=egressgateway}" --tail=500 --all-containers >"$out/gateway.log" 2>&1
    [[ -n "${E2E_ARTIFACTS:-}" ]] || for file in "$out"/*; do printf '\n===== %s =====\n' "$(basename "$file")"; tail -n 200 "$file"; done >&2
}

cleanup() {
    local status=$?
    set +e
    trap - EXIT INT TERM
    ((status == 0 || !stack_deployed)) || diagnose
    if ((stack_deployed && !stack_destroyed)); then
        log "cleanup: pulumi destroy"
        if p destroy --stack "$stack" --yes --skip-preview >"$work/destroy.log" 2>&1; then
            stack_destroyed=1
        else
            cat "$work/destroy.log" >&2
            status=1
        fi
    fi
    if ((stack_deployed && !stack_destroyed)); then
        # The stack file holds the secrets salt: without it the state cannot be decrypted, so it stays where it is.
        printf 'e2e: destroy failed; the state and the stack file %s are kept. Recover with:\n  PULUMI_BACKEND_URL=%s PULUMI_CONFIG_PASSPHRASE_FILE=%s pulumi --cwd %s destroy --stack %s\n' \
            "$stack_file" "$PULUMI_BACKEND_URL" "$PULUMI_CONFIG_PASSPHRASE_FILE" "$REPO" "$stack" >&2
    else
        ((!stack_created)) || p stack rm --stack "$stack" --yes --force >/dev/null 2>&1
        rm -f "$stack_file"
    fi
    for ns in "${created_namespaces[@]}"; do k delete namespace "$ns" --ignore-not-found --wait=false >/dev/null 2>&1; done
    ((stack_deployed && !stack_destroyed)) || rm -rf "$work"
    exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

[[ ! -e "$stack_file" ]] || fail "$stack_file exists already"
cp "$HERE/Pulumi.e2e.yaml" "$stack_file"
p stack init "$stack" --secrets-provider passphrase >/dev/null
stack_created=1
p config set --stack "$stack" kubernetes:context "$context"
# The gateway type: a Gateway the stack makes in istio-egress. Under a waypoint a ServiceEntry carries each in-cluster
# server's host, which must then be a name outside the cluster domain (docs/gateways.md): <server>.<namespace>.example.com.
case "$GATEWAY_TYPE" in
    gateway-api) config_set gateway '{"type": "gateway-api", "namespace": "istio-egress", "name": "egress-gateway"}' ;;
    waypoint) config_set gateway '{"type": "waypoint", "namespace": "istio-egress", "name": "waypoint"}' ;;
esac
if [[ "$GATEWAY_TYPE" == waypoint ]]; then
    # shellcheck disable=SC2016 # ${...} below is JavaScript's
    config_set destinations "$(config_get destinations | node -e '
        const destinations = JSON.parse(require("fs").readFileSync(0, "utf8"));
        console.log(JSON.stringify(destinations.map((d) => (d.server ? { ...d, host: `${d.server.name}.${d.server.namespace}.example.com` } : d))));')"
fi
run_hook configure

gateway_namespace="$(config_get gateway.namespace)"
if [[ "$GATEWAY_TYPE" == istio ]]; then
    gateway_selector="$(config_get gateway.selector | node -e 'console.log(Object.entries(JSON.parse(require("fs").readFileSync(0, "utf8"))).map(([k, v]) => `${k}=${v}`).join(","))')"
    gateway_deployed="$(config_get gateway.deploy)"
else
    # Istio labels the pods it runs for a Gateway with its name, and runs them only once the stack has declared it.
    gateway_selector="gateway.networking.k8s.io/gateway-name=$(config_get gateway.name)"
    gateway_deployed=true
fi

# --- never touch what isn't ours: stop before `pulumi up` if anything we would declare or delete exists ------------------
# Every object the stack would declare, by the component's own naming (components/naming.ts claimedNames).
node --require ts-node/register/transpile-only "$HERE/stackObjects.ts" "$stack_file" >"$work/declared"
taken=()
while read -r kind namespace name; do
    scope=()
    [[ "$namespace" == - ]] || scope=(-n "$namespace")
    if [[ -n "$(k get "$kind" "$name" "${scope[@]}" -o name --ignore-not-found </dev/null)" ]]; then taken+=("$kind ${namespace}/$name"); fi
done <"$work/declared"
for ns in "${client_namespaces[@]}"; do
    [[ -z "$(k get namespaces "$ns" -o name --ignore-not-found </dev/null)" ]] || taken+=("Namespace $ns (the script's client namespace)")
done
labelled() { k get "$LABELLED_KINDS" -A -l "$INSTANCE_LABEL" -o name --ignore-not-found </dev/null; }
mapfile -t already_labelled < <(labelled)
((${#already_labelled[@]} == 0)) || taken+=("${already_labelled[@]/%/ (labelled $INSTANCE_LABEL)}")
((${#taken[@]} == 0)) || fail "these exist already and a destroy of this stack could delete them, so nothing was deployed: ${taken[*]}"

if [[ "$gateway_deployed" != true ]]; then
    gateway_pod="$(k get pod -n "$gateway_namespace" -l "$gateway_selector" --field-selector=status.phase=Running -o jsonpath='{.items[0].metadata.name}' 2>/dev/null || true)"
    [[ -n "$gateway_pod" ]] || fail "no running egress gateway pod ($gateway_selector in $gateway_namespace): install Istio with the egress gateway"
fi

# A namespace the script creates for a client (once, however many scenarios ask): labelled as the script's, deleted on exit.
own_namespace() {
    [[ " ${created_namespaces[*]} " != *" $1 "* ]] || return 0
    k create namespace "$1" >/dev/null
    created_namespaces+=("$1")
    k label namespace "$1" "$OWNED_LABEL" "$client_mesh_label" >/dev/null
}
# How a client namespace joins the mesh: sidecars, or ambient mode (ztunnel) for a waypoint.
if [[ "$GATEWAY_TYPE" == waypoint ]]; then client_mesh_label=istio.io/dataplane-mode=ambient; else client_mesh_label=istio-injection=enabled; fi
# A curl client in namespace $1 (like the walkthrough's sleep pod), in the mesh by its namespace's label.
curl_client() {
    sed "s/{{namespace}}/$1/" "$HERE/curl-client.yaml" | k apply -f - >/dev/null
}
# A scenario's usual prepare: a curl client in a namespace of its own, which the script creates.
own_curl_client() {
    own_namespace "$1"
    curl_client "$1"
}
# A scenario's check starts by waiting for its curl client in namespace $1 to be ready.
curl_client_ready() {
    k -n "$1" rollout status deploy/curl --timeout="${TIMEOUT}s"
}
run_hook prepare

log "pulumi up"
stack_deployed=1
p up --stack "$stack" --yes --skip-preview

# A gateway the stack makes (the chart's, or one Istio deploys for its Gateway object) runs only after `pulumi up`.
running_gateway_pod() {
    gateway_pod="$(k get pod -n "$gateway_namespace" -l "$gateway_selector" --field-selector=status.phase=Running -o jsonpath='{.items[0].metadata.name}' 2>/dev/null)"
    [[ -n "$gateway_pod" ]]
}
[[ "$gateway_deployed" != true ]] || retry running_gateway_pod || fail "no running gateway pod ($gateway_selector in $gateway_namespace) after pulumi up"

# The second preview must change nothing but the verify Job, which is replaced on every run by design (docs/verify.md).
log "a second preview changes nothing (but the verify Job)"
p preview --stack "$stack" --diff 2>&1 | tee "$work/preview.txt"
p preview --stack "$stack" --json >"$work/preview.json"
# shellcheck disable=SC2016 # ${...} below is JavaScript's
node -e '
    const steps = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8")).steps ?? [];
    const changed = steps.filter((s) => s.op !== "same" && !s.urn.endsWith("kubernetes:batch/v1:Job::egress-tls-verify"));
    if (changed.length > 0) { console.error(changed.map((s) => `${s.op} ${s.urn}`).join("\n")); process.exit(1); }' "$work/preview.json" \
    || fail "the second preview has changes (its --diff is above)"

# Shared by scenarios: why the curl client in namespace $1 is not in the mesh as the gateway type needs, or nothing.
# Sidecar clients run istio-proxy; ambient ones none, their traffic redirected to ztunnel (istio-cni then annotates the
# pod ambient.istio.io/redirection=enabled).
client_mesh_problem() {
    local containers redirection
    containers="$(k -n "$1" get pod -l app=curl -o jsonpath='{.items[*].spec.containers[*].name} {.items[*].spec.initContainers[*].name}')"
    redirection="$(k -n "$1" get pod -l app=curl -o jsonpath='{.items[0].metadata.annotations.ambient\.istio\.io/redirection}')"
    if [[ "$GATEWAY_TYPE" == waypoint ]]; then
        [[ "$containers" != *istio-proxy* && "$redirection" == enabled ]] || echo "the curl client in $1 is not an ambient one (containers: $containers; redirection: ${redirection:-none})"
    else
        [[ "$containers" == *istio-proxy* ]] || echo "the curl client in $1 has no istio-proxy sidecar ($containers)"
    fi
}

# Shared by scenarios: fetch http://<host> from the curl client in namespace $1; the last answer is in last_page.
last_page=""
page_served() {
    last_page="$(k -n "$1" exec deploy/curl -c curl -- curl -sS --max-time 10 "http://$2" 2>&1)" || return 1
    [[ "$last_page" == *"Welcome to nginx!"* ]]
}
mapfile -t hosts < <(config_get destinations | node -e 'for (const d of JSON.parse(require("fs").readFileSync(0, "utf8"))) console.log(`${d.host} ${d.port ?? 443}`)')
((${#hosts[@]} > 0)) || fail "the stack config lists no destination"
run_hook check

# --- nothing left behind -------------------------------------------------------------------------------------------------
# Every Kubernetes object in the stack's state, as "<kind>.<version>.<group> <namespace or -> <name>".
# shellcheck disable=SC2016 # ${...} below is JavaScript's
p stack export --stack "$stack" | node -e '
    const state = JSON.parse(require("fs").readFileSync(0, "utf8"));
    for (const resource of state.deployment.resources ?? []) {
        const object = resource.outputs ?? {};
        if (!resource.type.startsWith("kubernetes:") || !object.kind || resource.type.startsWith("kubernetes:helm")) continue;
        const { name, namespace } = object.metadata ?? {};
        if (typeof name !== "string") throw new Error(`${resource.urn}: no plain metadata.name in the state`);
        const [group, version] = object.apiVersion.includes("/") ? object.apiVersion.split("/") : ["", object.apiVersion];
        console.log(`${group ? `${object.kind}.${version}.${group}` : object.kind} ${namespace || "-"} ${name}`);
    }' >"$work/objects"
object_count="$(wc -l <"$work/objects")"
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
log "PASS (gateway.type $GATEWAY_TYPE; scenarios: $(for file in "${selected[@]}"; do scenario_name "$file"; done | tr '\n' ' '))"
