import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { ResolvedGateway } from "./config";
import { formerAliases, gatewayReleaseNames, PULUMI_TYPES, renamedFrom } from "./naming";
import { componentNamespace, ChildContext } from "./namespaces";
import { GATEWAY_CHART, renderGatewayValues } from "./render/gatewayValues";

/** The selector as one string, the same for the same labels in any order. */
function selectorTrigger(selector: { [label: string]: string }): string {
    return JSON.stringify(Object.entries(selector).sort(([a], [b]) => a.localeCompare(b)));
}

/**
 * A dedicated egress gateway from the official `istio/gateway` chart, in a namespace of its own. Returns what must
 * exist before anything goes into that namespace: the Namespace, and the Release, which Pulumi reports ready only once
 * the gateway's pods are.
 */
export function deployGateway(context: ChildContext, gateway: ResolvedGateway): pulumi.Resource[] {
    // No `istio-injection` label: the chart's pods ask for gateway injection themselves, and `disabled` would refuse it.
    const namespace = componentNamespace(context, gateway.namespace);
    const releaseNames = gatewayReleaseNames(context.component, gateway);
    const release = new k8s.helm.v3.Release(releaseNames.name, {
        name: gateway.name,
        chart: GATEWAY_CHART.chart,
        version: gateway.chartVersion,
        repositoryOpts: { repo: GATEWAY_CHART.repo },
        namespace: namespace.metadata.name,
        values: renderGatewayValues(gateway),
    }, {
        parent: context.parent,
        // The selector labels become the chart Deployment's spec.selector, which Kubernetes never changes: a Helm upgrade
        // to new labels fails. A new selector replaces the release instead, the old one uninstalled first since the new
        // one takes its name (the provider's own Diff would create first: helm_release.go). A stack deployed before this
        // trigger existed has none in its state, and an absent trigger replaces nothing (step_generator.go).
        replacementTrigger: selectorTrigger(gateway.selector),
        // Only a replacement under this resource's name is delete-first: a new gateway.name or namespace is a new
        // resource (gatewayReleaseNames), created before the old release goes. Through the alias, a state saved under
        // the former name is still this resource: an upgrade from it that also renames the gateway is delete-first
        // (docs/upgrading.md).
        deleteBeforeReplace: true,
        aliases: formerAliases(context.childUrnPrefix, { type: PULUMI_TYPES.helmRelease, name: releaseNames.name }, renamedFrom(releaseNames.previous, releaseNames.name)),
    });
    return [namespace, release];
}
