import { isDeepStrictEqual } from "util";

// What pulumi-kubernetes' Diff and DiffConfig answer, for the kinds this program makes. Sources (pulumi/pulumi-kubernetes
// at 94977969): provider/pkg/provider/diff.go (`forceNewProperties`, the `forceNew` table), provider/pkg/provider/
// provider.go (`Diff`: deleteBeforeReplace for a named object keeping its name and namespace; alwaysRender; `DiffConfig`:
// a new renderYamlToDirectory replaces every object), provider/pkg/provider/helm_release.go (`Diff`: only `name` and
// `namespace` replace a Release, never delete-first).

/** The Kubernetes provider settings a diff depends on. */
export interface KubernetesProviderSettings {
    enableSecretMutable: boolean;
    enableConfigMapMutable: boolean;
    renderYamlToDirectory?: string;
    alwaysRender: boolean;
}

/** A provider's answer to Diff: whether anything changed, which properties force a replacement, and delete-first. */
export interface ProviderDiff {
    changes: boolean;
    replaceKeys: string[];
    deleteBeforeReplace: boolean;
}

const NO_CHANGE: ProviderDiff = { changes: false, replaceKeys: [], deleteBeforeReplace: false };

const LABEL_SELECTOR = (prefix: string) => [prefix, `${prefix}.matchExpressions`, `${prefix}.matchLabels`];

/** diff.go's `forceNew` table, by `group/version` and kind, for the kinds a replacement matters for here. */
const FORCE_NEW: { [groupVersion: string]: { [kind: string]: string[] } } = {
    "apps/v1": {
        DaemonSet: LABEL_SELECTOR(".spec.selector"),
        Deployment: LABEL_SELECTOR(".spec.selector"),
        StatefulSet: [".spec.podManagementPolicy", ".spec.revisionHistoryLimit", ".spec.serviceName", ".spec.volumeClaimTemplates", ...LABEL_SELECTOR(".spec.selector")],
    },
    "batch/v1": { Job: [".spec.completions", ".spec.parallelism", ".spec.template", ...LABEL_SELECTOR(".spec.selector")] },
    "v1": { Secret: [".type"], Service: [".spec.clusterIP"] },
    "rbac.authorization.k8s.io/v1": { ClusterRoleBinding: [".roleRef"], RoleBinding: [".roleRef"] },
};

function truthy(value: unknown): boolean {
    return value === true || value === "true";
}

/** Settings from a `kubernetes:` config bag: an explicit Provider's inputs (`enableSecretMutable`) or stack config keys. */
export function kubernetesSettings(config: { [key: string]: unknown }): KubernetesProviderSettings {
    const get = (key: string) => config[key] ?? config[`kubernetes:${key}`];
    return {
        enableSecretMutable: truthy(get("enableSecretMutable")),
        enableConfigMapMutable: truthy(get("enableConfigMapMutable")),
        renderYamlToDirectory: (get("renderYamlToDirectory") as string | undefined) || undefined,
        alwaysRender: truthy(get("alwaysRender")),
    };
}

/** The JSON paths whose change replaces `object` (diff.go `forceNewProperties`). */
export function forceNewProperties(object: any, settings: KubernetesProviderSettings): string[] {
    const paths = [".metadata.name", ".metadata.namespace"];
    const immutable = object.immutable === true;
    if (object.kind === "Secret" && object.apiVersion === "v1" && (!settings.enableSecretMutable || immutable)) {
        return [...paths, ".type", ".stringData", ".data"];
    }
    const kindFields = FORCE_NEW[object.apiVersion]?.[object.kind];
    if (kindFields) return [...paths, ...kindFields];
    if (object.kind === "ConfigMap" && object.apiVersion === "v1" && (!settings.enableConfigMapMutable || immutable)) {
        return [...paths, ".binaryData", ".data"];
    }
    return paths;
}

function valueAt(object: any, path: string): unknown {
    return path.split(".").slice(1).reduce((value, key) => (value === undefined || value === null ? undefined : value[key]), object);
}

/** The Kubernetes provider's Diff of an object's old inputs and new inputs. */
export function kubernetesDiff(olds: any, news: any, settings: KubernetesProviderSettings): ProviderDiff {
    const changes = !isDeepStrictEqual(olds, news) || (settings.renderYamlToDirectory !== undefined && settings.alwaysRender);
    if (!changes) return NO_CHANGE;
    const replaceKeys = forceNewProperties(news, settings).filter((path) => !isDeepStrictEqual(valueAt(olds, path), valueAt(news, path)));
    const named = news.metadata?.name !== undefined;
    const sameIdentity = news.metadata?.name === olds.metadata?.name && news.metadata?.namespace === olds.metadata?.namespace;
    return { changes, replaceKeys, deleteBeforeReplace: replaceKeys.length > 0 && named && sameIdentity };
}

/** helm_release.go `Diff`: a new release name or namespace replaces the Release, create-first; anything else upgrades it. */
export function helmReleaseDiff(olds: any, news: any): ProviderDiff {
    if (isDeepStrictEqual(olds, news)) return NO_CHANGE;
    return { changes: true, replaceKeys: ["name", "namespace"].filter((key) => olds[key] !== news[key]), deleteBeforeReplace: false };
}

/**
 * provider.go `DiffConfig`: a change of `renderYamlToDirectory` replaces every object the provider manages ("all the
 * manifests will be replaced"), as does a changed `clusterIdentifier`. Other changes (a kubeconfig from ambient to
 * explicit, another file path) are updates; the provider's own check of the active cluster is not modelled.
 */
export function kubernetesDiffConfig(olds: { [key: string]: unknown }, news: { [key: string]: unknown }): ProviderDiff {
    if (isDeepStrictEqual(olds, news)) return NO_CHANGE;
    const renderChanged = (olds.renderYamlToDirectory || undefined) !== (news.renderYamlToDirectory || undefined);
    const clusterChanged = olds.clusterIdentifier !== undefined && news.clusterIdentifier !== undefined && olds.clusterIdentifier !== news.clusterIdentifier;
    const replaceKeys = [...(renderChanged ? ["renderYamlToDirectory"] : []), ...(clusterChanged ? ["clusterIdentifier"] : [])];
    return { changes: true, replaceKeys, deleteBeforeReplace: false };
}

/** The one object the API server keeps per group, kind, namespace and name, whatever the version asked for. */
export function kubernetesIdentity(object: any): string {
    const group = String(object.apiVersion ?? "").includes("/") ? String(object.apiVersion).split("/")[0] : "core";
    return `${group}/${object.kind} ${object.metadata?.namespace ?? ""}/${object.metadata?.name}`;
}
