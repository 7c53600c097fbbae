// What the Kubernetes provider must be set to for this component's updates to be safe, as plain rules.

/**
 * The provider settings that make the component's Secrets and ConfigMaps update in place. Without them pulumi-kubernetes
 * replaces a Secret on any change of `data`/`stringData` and a ConfigMap on any change of `data`
 * (provider/pkg/provider/diff.go `forceNewProperties`), and since the objects have fixed names it deletes the old one
 * first: the gateway loses its SDS credential for that moment, at every renewal, rotation and nginx.conf change.
 */
export const MUTABILITY_SETTINGS = [
    { key: "enableSecretMutable", env: "PULUMI_K8S_ENABLE_SECRET_MUTABLE" },
    { key: "enableConfigMapMutable", env: "PULUMI_K8S_ENABLE_CONFIGMAP_MUTABLE" },
] as const;

/**
 * The settings a default Kubernetes provider lacks, given the stack's `kubernetes:` config and the environment (the
 * provider reads `kubernetes:<key>` first, then the environment variable: provider.go `Configure`).
 */
export function missingMutability(config: { [key: string]: string | undefined }, env: { [key: string]: string | undefined }): string[] {
    return MUTABILITY_SETTINGS
        .filter(({ key, env: variable }) => (config[`kubernetes:${key}`] ?? env[variable]) !== "true")
        .map(({ key }) => `kubernetes:${key}`);
}

/** Why the missing settings matter, and how to set them: one message for the program's error and the component's warning. */
export function mutabilityAdvice(missing: string[]): string {
    return `${missing.join(" and ")} must be "true": without them a certificate renewal or rotation deletes the credential `
        + "Secrets before re-creating them (the gateway's SDS credential is gone meanwhile). Set them in the stack "
        + `(pulumi config set ${missing[0]} true), or give the component a kubernetes Provider with enableSecretMutable and `
        + "enableConfigMapMutable; see docs/upgrading.md";
}
