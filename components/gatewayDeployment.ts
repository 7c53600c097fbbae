import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { ResolvedGateway } from "./config";
import { childName } from "./naming";
import { componentNamespace, ChildContext } from "./namespaces";
import { GATEWAY_CHART, renderGatewayValues } from "./render/gatewayValues";

/**
 * A dedicated egress gateway from the official `istio/gateway` chart, in a namespace of its own. Returns what must
 * exist before anything goes into that namespace: the Namespace, and the Release, which Pulumi reports ready only once
 * the gateway's pods are.
 */
export function deployGateway(context: ChildContext, gateway: ResolvedGateway): pulumi.Resource[] {
    // No `istio-injection` label: the chart's pods ask for gateway injection themselves, and `disabled` would refuse it.
    const namespace = componentNamespace(context, gateway.namespace);
    const release = new k8s.helm.v3.Release(childName(context.component, "gateway-chart"), {
        name: gateway.name,
        chart: GATEWAY_CHART.chart,
        version: gateway.chartVersion,
        repositoryOpts: { repo: GATEWAY_CHART.repo },
        namespace: namespace.metadata.name,
        values: renderGatewayValues(gateway),
    }, { parent: context.parent });
    return [namespace, release];
}
