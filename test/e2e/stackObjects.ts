// Prints every Kubernetes object a stack file's config would declare, as "<kubectl resource> <namespace or -> <name>",
// from the component's own naming (claimedNames): run.sh refuses to deploy when one of them exists already.
// Usage: node --require ts-node/register/transpile-only test/e2e/stackObjects.ts <stack file>
import { resolveConfig } from "../../components/config";
import { claimedNames } from "../../components/naming";
import { readStackConfig } from "../../components/stackConfig";
import { stackConfig } from "../support/devStack";

/** kubectl resource names that cannot be mistaken for another API group's kind of the same name (Gateway API's Gateway). */
const RESOURCES: { [kind: string]: string } = {
    Namespace: "namespaces",
    Secret: "secrets",
    ConfigMap: "configmaps",
    Service: "services",
    Deployment: "deployments.apps",
    Job: "jobs.batch",
    NetworkPolicy: "networkpolicies.networking.k8s.io",
    Gateway: "gateways.networking.istio.io",
    DestinationRule: "destinationrules.networking.istio.io",
    VirtualService: "virtualservices.networking.istio.io",
    ServiceEntry: "serviceentries.networking.istio.io",
    AuthorizationPolicy: "authorizationpolicies.security.istio.io",
};

for (const { claim } of claimedNames(resolveConfig(readStackConfig("egress-tls", stackConfig(process.argv[2])).args))) {
    const [kind, where] = claim.split(" ");
    const resource = RESOURCES[kind];
    if (resource === undefined) continue; // hosts and gateway subsets: names, not objects
    const [namespace, name] = where.includes("/") ? where.split("/") : ["-", where];
    console.log(`${resource} ${namespace} ${name}`);
}
