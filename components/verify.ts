import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { GatewayContext } from "./gateways";
import { childName, objectNames } from "./naming";
import { componentNamespace } from "./namespaces";
import { MeshClient, renderVerifyJobSpec, renderVerifyScript, verifyChecks } from "./render/verifyJob";

/**
 * A Job, run on every `pulumi up` once `after` is in place, that fetches every destination through the mesh as `client`. Pulumi
 * waits for a Job to complete and fails the update when it fails, so a broken path fails `pulumi up`.
 */
export function verifyDestinations(context: GatewayContext, client: MeshClient, after: pulumi.Resource[]): k8s.batch.v1.Job {
    const { config } = context;
    const namespace = componentNamespace(context, config.verifyNamespace, client.namespaceLabels);
    return new k8s.batch.v1.Job(childName(context.component, "verify"), {
        metadata: { name: objectNames.verifyJob(config), namespace: namespace.metadata.name, labels: context.labels },
        spec: renderVerifyJobSpec(renderVerifyScript(verifyChecks(config.destinations, config.verifyNamespace), client), client),
    }, {
        parent: context.parent,
        dependsOn: after,
        // A finished Job never runs again: a trigger that differs on every run replaces it, so every `pulumi up` checks
        // (and every `pulumi preview` shows the replacement). The old Job must go first, as the new one takes its name.
        replacementTrigger: new Date().toISOString(),
        deleteBeforeReplace: true,
    });
}
