import * as pulumi from "@pulumi/pulumi";
import { missingMutability, mutabilityAdvice } from "./config/providerSettings";

/**
 * Warns when the component's Kubernetes objects go to the stack's default provider and that provider would replace,
 * delete-first, a Secret or ConfigMap whose data changes. An explicit provider's settings cannot be read back, so a
 * component given one trusts it (docs/reuse.md says what it needs).
 */
export function warnUnlessSecretsMutable(component: pulumi.ComponentResource): void {
    if (component.getProvider("kubernetes:core/v1:Secret") !== undefined) return;
    const missing = missingMutability(pulumi.runtime.allConfig(), process.env);
    if (missing.length > 0) pulumi.log.warn(mutabilityAdvice(missing), component);
}
