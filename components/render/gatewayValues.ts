import { ResolvedGateway } from "../config";
import { GATEWAY_PORT } from "./istio";

/** The official Istio chart repository and the chart that deploys a standalone gateway. */
export const GATEWAY_CHART = { repo: "https://istio-release.storage.googleapis.com/charts", chart: "gateway" };

/**
 * The subset of the `istio/gateway` chart's values the component sets (the chart's values.schema.json refuses unknown
 * top-level keys, so every field here is one it defines).
 */
export interface GatewayChartValues {
    /** Names the Deployment, Service, ServiceAccount and Role, instead of the release name. */
    name: string;
    /** `app` and `istio` become the Deployment's selector labels; every other key is added to the pods' labels. */
    labels: { [label: string]: string };
    service: {
        type: string;
        ports: { name: string; port: number; protocol: string; targetPort: number }[];
    };
    rbac: { enabled: boolean };
}

/**
 * An egress gateway from the `istio/gateway` chart: pods labelled with the gateway selector so the Gateway object
 * picks them, a ClusterIP Service named after the gateway so `<name>.<namespace>.svc.cluster.local` resolves, and the
 * chart's Role that lets the gateway read credential Secrets in its namespace over SDS.
 */
export function renderGatewayValues(gateway: ResolvedGateway): GatewayChartValues {
    return {
        name: gateway.name,
        labels: { ...gateway.selector },
        service: {
            // Only mesh workloads call an egress gateway; the chart's default LoadBalancer would expose it outside the cluster.
            type: "ClusterIP",
            // The one port the Gateway object listens on; the chart's default plain-HTTP port 80 would be open for nothing.
            ports: [{ name: "https", port: GATEWAY_PORT, protocol: "TCP", targetPort: GATEWAY_PORT }],
        },
        rbac: { enabled: true },
    };
}
