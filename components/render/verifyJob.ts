import * as k8s from "@pulumi/kubernetes";
import { ResolvedDestination } from "../config";
import { admits } from "./authorization";
import { restrictedContainerSecurity } from "./containerSecurity";
import { AMBIENT_NAMESPACE_LABELS } from "./waypoint";

/** curl and a POSIX shell, pinned. The image's user is `curl_user`, UID 100. */
const VERIFY_IMAGE = "curlimages/curl:8.16.0";
/**
 * A numeric non-root UID, which `runAsNonRoot` needs to be checkable (the image names its user). Never 1337: the
 * sidecar lets that UID's traffic bypass it, and the check would prove nothing.
 */
const VERIFY_USER = 100;
/** Text of the default page every in-cluster nginx server serves, as the walkthrough's check shows it. */
export const SERVER_PAGE_MARKER = "Welcome to nginx!";
/** istio-proxy's (pilot-agent's) readiness and shutdown endpoints, on the pod's loopback. */
const SIDECAR_ENDPOINTS = {
    ready: "http://127.0.0.1:15021/healthz/ready",
    quit: "http://127.0.0.1:15020/quitquitquit",
};
/** Job-wide time limit: the Job fails by itself, with a reason, before Pulumi's 10-minute wait for it runs out. */
export const VERIFY_DEADLINE_SECONDS = 300;

/** One page to fetch through the mesh. */
export interface VerifyCheck {
    host: string;
    /** Text the page must contain; empty for any 2xx page. */
    marker: string;
    /** The destination's `allowedFrom` does not admit the Job: the gateway must answer 403, which proves the policy is enforced. */
    refused: boolean;
}

/** How patient the script is; the config the mesh needs for a new route takes seconds to reach the sidecar and gateway. */
export interface VerifyTiming {
    /** Times to poll the sidecar's readiness, a second apart, before giving up. */
    sidecarPolls: number;
    /** Requests per host before it counts as failed. */
    attempts: number;
    /** Seconds between two requests to the same host. */
    delaySeconds: number;
    /** Limit of one request, connecting included. */
    requestTimeoutSeconds: number;
}

const VERIFY_TIMING: VerifyTiming = { sidecarPolls: 60, attempts: 20, delaySeconds: 3, requestTimeoutSeconds: 10 };

/** How a client pod joins the mesh, so its plain-HTTP requests take the mesh's routes. */
export interface MeshClient {
    namespaceLabels: { [label: string]: string };
    podLabels: { [label: string]: string };
    podAnnotations: { [key: string]: string };
    /** An istio-proxy sidecar in the pod, to wait for and to stop; an ambient pod has none (ztunnel carries its traffic). */
    sidecar: boolean;
}

/** Sidecars injected. No Pod Security label on the namespace: a classic sidecar's init needs NET_ADMIN. */
export const SIDECAR_CLIENT: MeshClient = {
    namespaceLabels: { "istio-injection": "enabled" },
    // Asked for on the pod too, so a mesh whose default injection policy is `disabled` still injects it.
    podLabels: { "sidecar.istio.io/inject": "true" },
    // Istio ≥ 1.24 then injects istio-proxy as a native sidecar (Kubernetes ≥ 1.29) whatever ENABLE_NATIVE_SIDECARS says.
    podAnnotations: { "sidecar.istio.io/nativeSidecar": "true" },
    sidecar: true,
};

/** Ambient mode: the namespace label alone; ztunnel sends the pod's traffic to the waypoint, nothing is injected. */
export const AMBIENT_CLIENT: MeshClient = { namespaceLabels: AMBIENT_NAMESPACE_LABELS, podLabels: {}, podAnnotations: {}, sidecar: false };

/** The Job's pod runs as its namespace's `default` service account. */
const VERIFY_SERVICE_ACCOUNT = "default";

/**
 * An in-cluster server must serve its nginx page; an outside host any 2xx page; a destination whose `allowedFrom` does
 * not admit the Job (namespace `verifyNamespace`) must refuse it.
 */
export function verifyChecks(destinations: ResolvedDestination[], verifyNamespace: string): VerifyCheck[] {
    const job = { namespace: verifyNamespace, serviceAccount: VERIFY_SERVICE_ACCOUNT };
    return destinations.map((d) => ({ host: d.host, marker: d.server ? SERVER_PAGE_MARKER : "", refused: !admits(d, job) }));
}

function shellQuote(text: string): string {
    return `'${text.replace(/'/g, `'\\''`)}'`;
}

/** Stops istio-proxy on exit, and waits for it before the first request. */
function sidecarPrelude(timing: VerifyTiming): string {
    return `# A classic istio-proxy container outlives this one and would keep the Job running forever; ask it to quit.
# A native sidecar (an init container Kubernetes stops by itself) does not need it, and takes no harm.
trap 'curl -sS -X POST ${SIDECAR_ENDPOINTS.quit} >/dev/null 2>&1 || true' EXIT

polls=0
until curl -fsS -o /dev/null --max-time 2 ${SIDECAR_ENDPOINTS.ready} 2>/dev/null; do
  polls=$((polls + 1))
  if [ "$polls" -ge ${timing.sidecarPolls} ]; then
    echo "FAIL istio-proxy is not ready: is sidecar injection on in this namespace?" >&2
    exit 1
  fi
  sleep 1
done
`;
}

/**
 * A POSIX sh script that waits for the sidecar (if the client has one), fetches `http://<host>/` for every check
 * (retrying while the mesh's config settles), stops the sidecar, and exits non-zero unless every page arrived.
 */
export function renderVerifyScript(checks: VerifyCheck[], client: MeshClient = SIDECAR_CLIENT, timing: VerifyTiming = VERIFY_TIMING): string {
    const calls = checks.map((c) => `check ${shellQuote(c.host)} ${shellQuote(c.marker)} ${c.refused ? 1 : 0} || failed=1`).join("\n");
    return `set -u
${client.sidecar ? sidecarPrelude(timing) : ""}
check() {
  host=$1 marker=$2 refused=$3 attempt=1
  while :; do
    if out=$(curl -sS --connect-timeout ${timing.requestTimeoutSeconds} --max-time ${timing.requestTimeoutSeconds} -w '%{http_code}' "http://$host/"); then
      status=\${out#"\${out%???}"}
      page=\${out%???}
      case $status in
        403)
          if [ "$refused" = 1 ]; then
            echo "PASS http://$host/ refused (HTTP 403), as its allowedFrom requires"
            return 0
          fi
          problem="HTTP 403" ;;
        2??)
          if [ "$refused" = 1 ]; then
            problem="HTTP $status, but allowedFrom does not admit this caller"
          elif [ -z "$marker" ] || printf '%s' "$page" | grep -qF -- "$marker"; then
            echo "PASS http://$host/ (HTTP $status)"
            return 0
          else
            problem="HTTP $status, but the page lacks \\"$marker\\""
          fi ;;
        *) problem="HTTP $status" ;;
      esac
    else
      problem="no response"
    fi
    if [ "$attempt" -ge ${timing.attempts} ]; then
      echo "FAIL http://$host/: $problem (attempt $attempt of ${timing.attempts})" >&2
      return 1
    fi
    attempt=$((attempt + 1))
    sleep ${timing.delaySeconds}
  done
}

failed=0
${calls}
exit "$failed"
`;
}

/**
 * One pod, retried once, that runs `script` as a mesh client (next to an istio-proxy sidecar, or in ambient mode). Only
 * its own container is locked down; an injected sidecar's settings are Istio's.
 */
export function renderVerifyJobSpec(script: string, client: MeshClient = SIDECAR_CLIENT): k8s.types.input.batch.v1.JobSpec {
    return {
        backoffLimit: 1,
        activeDeadlineSeconds: VERIFY_DEADLINE_SECONDS,
        template: {
            metadata: { labels: client.podLabels, annotations: client.podAnnotations },
            spec: {
                restartPolicy: "Never",
                automountServiceAccountToken: false,
                enableServiceLinks: false,
                containers: [{
                    name: "verify",
                    image: VERIFY_IMAGE,
                    command: ["sh", "-c", script],
                    securityContext: restrictedContainerSecurity(VERIFY_USER),
                    resources: {
                        requests: { cpu: "10m", memory: "16Mi" },
                        limits: { cpu: "100m", memory: "64Mi" },
                    },
                }],
            },
        },
    };
}
