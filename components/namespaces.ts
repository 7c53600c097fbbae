import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { childName } from "./naming";

/** What every part of the component that makes Kubernetes objects needs: its name, its parent (and URN) and its labels. */
export interface ChildContext {
    component: string;
    parent: pulumi.Resource;
    /** The children's URN prefix, when known while the component is constructed: aliases then name old URNs (naming.ts formerAliases). */
    childUrnPrefix?: string;
    labels: { [label: string]: string };
}

/**
 * A namespace the component creates (for in-cluster servers, the deployed gateway or the verify Job), with the
 * component's labels plus `extraLabels`. One function, so every such namespace gets the same logical name and options.
 */
export function componentNamespace(context: ChildContext, name: string, extraLabels: { [label: string]: string } = {}): k8s.core.v1.Namespace {
    return new k8s.core.v1.Namespace(childName(context.component, "ns", name), {
        metadata: { name, labels: { ...context.labels, ...extraLabels } },
    }, { parent: context.parent });
}
