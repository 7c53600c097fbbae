import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { ResolvedDestination, ResolvedServer } from "../config";
import { objectNames } from "../naming";
import { restrictedContainerSecurity } from "./containerSecurity";
import { CA_CERT_KEY, SERVER_CONTAINER_PORT, SERVER_PATHS } from "./nginxConf";

/** UID and GID of the unprivileged nginx image. */
const SERVER_USER = 101;
/** Pod template annotation that changes with the server's certificates and nginx.conf, so the Deployment rolls. */
export const CHECKSUM_ANNOTATION = "egress-tls.dev/config-checksum";

/** Outside the mesh (no sidecar), and held to the `restricted` Pod Security Standard. */
export function renderServerNamespaceLabels(): { [label: string]: string } {
    return {
        "istio-injection": "disabled",
        "pod-security.kubernetes.io/enforce": "restricted",
        "pod-security.kubernetes.io/enforce-version": "latest",
    };
}

function podLabels(server: ResolvedServer): { [label: string]: string } {
    return { run: server.name };
}

const VOLUMES = {
    config: "nginx-config",
    serverCerts: "nginx-server-certs",
    caCerts: "nginx-ca-certs",
    tmp: "tmp",
};

/** A non-root, read-only nginx that satisfies the `restricted` profile; the checksum rolls it when its inputs change. */
export function renderServerDeployment(
    destination: ResolvedDestination & { server: ResolvedServer },
    checksum: pulumi.Input<string>,
): k8s.types.input.apps.v1.DeploymentSpec {
    const { server } = destination;
    const secretFileMode = 0o440;
    const probe = { tcpSocket: { port: SERVER_CONTAINER_PORT } };
    return {
        selector: { matchLabels: podLabels(server) },
        replicas: 1,
        template: {
            metadata: { labels: podLabels(server), annotations: { [CHECKSUM_ANNOTATION]: checksum } },
            spec: {
                automountServiceAccountToken: false,
                enableServiceLinks: false,
                securityContext: {
                    runAsNonRoot: true,
                    runAsUser: SERVER_USER,
                    runAsGroup: SERVER_USER,
                    fsGroup: SERVER_USER,
                    seccompProfile: { type: "RuntimeDefault" },
                },
                containers: [{
                    name: server.name,
                    image: server.image,
                    ports: [{ containerPort: SERVER_CONTAINER_PORT, name: "https", protocol: "TCP" }],
                    securityContext: restrictedContainerSecurity(SERVER_USER),
                    resources: {
                        requests: { cpu: "10m", memory: "32Mi" },
                        limits: { cpu: "250m", memory: "128Mi" },
                    },
                    // A TCP probe: an HTTPS probe would be refused by a MUTUAL server, which requires a client certificate.
                    readinessProbe: { ...probe, periodSeconds: 5 },
                    livenessProbe: { ...probe, initialDelaySeconds: 5, periodSeconds: 10 },
                    volumeMounts: [
                        { name: VOLUMES.config, mountPath: SERVER_PATHS.config, readOnly: true },
                        { name: VOLUMES.serverCerts, mountPath: SERVER_PATHS.serverCerts, readOnly: true },
                        { name: VOLUMES.caCerts, mountPath: SERVER_PATHS.caCerts, readOnly: true },
                        { name: VOLUMES.tmp, mountPath: SERVER_PATHS.tmp },
                    ],
                }],
                volumes: [
                    { name: VOLUMES.config, configMap: { name: objectNames.serverConfigMap(destination) } },
                    { name: VOLUMES.serverCerts, secret: { secretName: objectNames.serverCertsSecret(destination), defaultMode: secretFileMode } },
                    { name: VOLUMES.caCerts, secret: { secretName: objectNames.serverCaSecret(destination), defaultMode: secretFileMode, items: [{ key: CA_CERT_KEY, path: CA_CERT_KEY }] } },
                    { name: VOLUMES.tmp, emptyDir: { sizeLimit: "16Mi" } },
                ],
            },
        },
    };
}

/** The destination port, mapped to the unprivileged container port. */
export function renderServerService(destination: ResolvedDestination & { server: ResolvedServer }): k8s.types.input.core.v1.ServiceSpec {
    return {
        ports: [{ port: destination.port, targetPort: SERVER_CONTAINER_PORT, protocol: "TCP" }],
        selector: podLabels(destination.server),
    };
}
