import * as pulumi from "@pulumi/pulumi";
import { claimedNames } from "../naming";
import { ConfigError } from "./fieldCheckers";
import { ResolvedConfig } from "./resolved";

/** Per deployment (one engine connection, or one set of test mocks): each claimed name and the instance that took it. */
const claimsByDeployment = new WeakMap<object, Map<string, string>>();

/**
 * Refuses a second instance in one program that would declare an object, route a host or take a gateway subset that
 * another instance already has: Kubernetes would refuse the object ("already exists"), Istio would silently merge
 * the subsets (first one wins) or pick one route. Instances in other stacks are out of sight here; docs/reuse.md says
 * what protects them.
 */
export function claimInstanceNames(instance: string, config: ResolvedConfig): void {
    const deployment: object | undefined = pulumi.runtime.getMonitor();
    if (deployment === undefined) return;
    const claims = claimsByDeployment.get(deployment) ?? new Map<string, string>();
    const mine = claimedNames(config);
    for (const { claim, field } of mine) {
        const owner = claims.get(claim);
        if (owner !== undefined && owner !== instance) {
            throw new ConfigError(field, `${claim} is already taken by instance "${owner}" in this program; give each instance sharing a cluster its own namePrefix (and its own hosts, servers and credentialNames)`);
        }
    }
    for (const { claim } of mine) claims.set(claim, instance);
    claimsByDeployment.set(deployment, claims);
}
