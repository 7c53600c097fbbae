import { Registration } from "./harness";
import { istioCredentialSecretName } from "./tlsClient";

const DNS_1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS_1035_LABEL = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;
const DNS_1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const LABEL_KEY = /^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/)?[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;
const LABEL_VALUE = /^([A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?)?$/;

const isLabel = (name: string) => name.length <= 63 && DNS_1123_LABEL.test(name);
const isSubdomain = (name: string) => name.length <= 253 && DNS_1123_SUBDOMAIN.test(name);

/**
 * How the API server validates `metadata.name` by kind (apimachinery's NameIsDNSLabel, NameIsDNS1035Label,
 * NameIsDNSSubdomain); any kind not listed takes a subdomain.
 */
const NAME_RULES: { [kind: string]: [string, (name: string) => boolean] } = {
    Namespace: ["a DNS-1123 label", isLabel],
    Service: ["a DNS-1035 label (starting with a letter)", (name) => name.length <= 63 && DNS_1035_LABEL.test(name)],
};
const SUBDOMAIN_RULE: [string, (name: string) => boolean] = ["a DNS-1123 subdomain", isSubdomain];

/** The keys Istio's SDS needs in a credentialName's Secret (see istioCredentialSecretName), by TLS mode. */
const CREDENTIAL_KEYS: { [mode: string]: string[] } = {
    SIMPLE: ["ca.crt"],
    MUTUAL: ["tls.crt", "tls.key", "ca.crt"],
};

interface KubernetesObject {
    apiVersion: string;
    kind: string;
    metadata: { name: string; namespace?: string; labels?: { [key: string]: string } };
    spec?: any;
    data?: { [key: string]: string };
    stringData?: { [key: string]: string };
}

function labelProblems(labels: { [key: string]: string } | undefined, where: string): string[] {
    return Object.entries(labels ?? {}).flatMap(([key, value]) => [
        ...(LABEL_KEY.test(key) ? [] : [`${where}: label key "${key}" is invalid`]),
        ...(value.length <= 63 && LABEL_VALUE.test(value) ? [] : [`${where}: label value "${value}" is invalid`]),
    ]);
}

function nameProblems(object: KubernetesObject, where: string): string[] {
    const [rule, valid] = NAME_RULES[object.kind] ?? SUBDOMAIN_RULE;
    const { name, namespace } = object.metadata;
    const containers: { name: string }[] = object.spec?.template?.spec?.containers ?? [];
    return [
        ...(valid(name) ? [] : [`${where}: name is not ${rule}`]),
        ...(namespace === undefined || isLabel(namespace) ? [] : [`${where}: namespace is not a DNS-1123 label`]),
        ...containers.filter((c) => !isLabel(c.name)).map((c) => `${where}: container name "${c.name}" is not a DNS-1123 label`),
        ...labelProblems(object.metadata.labels, where),
        ...labelProblems(object.spec?.template?.metadata?.labels, `${where} pod template`),
    ];
}

/** Every route destination with a subset must find that subset in a DestinationRule for the same host. */
function subsetProblems(objects: KubernetesObject[]): string[] {
    const rules = objects.filter((o) => o.kind === "DestinationRule");
    return objects.filter((o) => o.kind === "VirtualService").flatMap((virtualService) =>
        (virtualService.spec.http ?? []).flatMap((http: any) => http.route ?? [])
            .map((route: any) => route.destination)
            .filter((destination: any) => destination.subset !== undefined)
            .filter((destination: any) => !rules.some((rule) => rule.spec.host === destination.host && (rule.spec.subsets ?? []).some((s: any) => s.name === destination.subset)))
            .map((destination: any) => `VirtualService ${virtualService.metadata.name}: no DestinationRule has subset ${destination.subset} of ${destination.host}`));
}

/** Every credentialName must have its Secret, with the keys its mode needs, in the gateway's namespace. */
function credentialProblems(objects: KubernetesObject[], gatewayNamespace: string): string[] {
    const tlsSettings = objects.filter((o) => o.kind === "DestinationRule")
        .flatMap((rule) => [rule.spec.trafficPolicy?.tls, ...(rule.spec.trafficPolicy?.portLevelSettings ?? []).map((p: any) => p.tls)])
        .filter((tls) => tls?.credentialName !== undefined);
    return tlsSettings.flatMap((tls) => {
        const expected = CREDENTIAL_KEYS[tls.mode];
        if (!expected) return [`credentialName ${tls.credentialName} is used with mode ${tls.mode}`];
        const secretName = istioCredentialSecretName(tls.mode, tls.credentialName);
        const secret = objects.find((o) => o.kind === "Secret" && o.metadata.namespace === gatewayNamespace && o.metadata.name === secretName);
        if (!secret) return [`credentialName ${tls.credentialName} (${tls.mode}): no Secret ${gatewayNamespace}/${secretName}`];
        const keys = Object.keys({ ...secret.data, ...secret.stringData });
        return expected.filter((key) => !keys.includes(key)).map((key) => `Secret ${gatewayNamespace}/${secretName} lacks ${key}`);
    });
}

function duplicateProblems(objects: KubernetesObject[]): string[] {
    const seen = new Set<string>();
    return objects.flatMap((object) => {
        const identity = `${object.kind} ${object.metadata.namespace ?? ""}/${object.metadata.name}`;
        if (seen.has(identity)) return [`${identity} is declared twice`];
        seen.add(identity);
        return [];
    });
}

/**
 * What the API server or Istio would refuse or leave broken among the Kubernetes objects of a run: invalid names and
 * labels, the same object twice, a route to a subset no DestinationRule defines, a credentialName without its Secret.
 */
export function kubernetesObjectProblems(registrations: Registration[], gatewayNamespace: string): string[] {
    const objects: KubernetesObject[] = registrations.filter((r) => r.type.startsWith("kubernetes:") && r.inputs.kind).map((r) => r.inputs);
    return [
        ...objects.flatMap((object) => nameProblems(object, `${object.kind} ${object.metadata.namespace ?? ""}/${object.metadata.name}`)),
        ...duplicateProblems(objects),
        ...subsetProblems(objects),
        ...credentialProblems(objects, gatewayNamespace),
    ];
}
