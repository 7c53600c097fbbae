import * as k8s from "@pulumi/kubernetes";
import { ResolvedGateway, ResolvedLockdown } from "../config";

const NAMESPACE_NAME_LABEL = "kubernetes.io/metadata.name";

/**
 * Istio's recommended egress lockdown: pods may reach the egress gateway's namespace, istiod and kube-dns, nothing else,
 * so no workload can bypass the gateway by calling an outside address directly.
 */
export function renderLockdownPolicy(lockdown: ResolvedLockdown, gateway: ResolvedGateway): k8s.types.input.networking.v1.NetworkPolicySpec {
    const namespaces = [...new Set([gateway.namespace, lockdown.controlPlaneNamespace])];
    return {
        podSelector: {},
        policyTypes: ["Egress"],
        egress: [
            ...namespaces.map((name) => ({ to: [{ namespaceSelector: { matchLabels: { [NAMESPACE_NAME_LABEL]: name } } }] })),
            {
                to: [{
                    namespaceSelector: { matchLabels: { [NAMESPACE_NAME_LABEL]: "kube-system" } },
                    podSelector: { matchLabels: { "k8s-app": "kube-dns" } },
                }],
                ports: [{ protocol: "UDP", port: 53 }, { protocol: "TCP", port: 53 }],
            },
        ],
    };
}
