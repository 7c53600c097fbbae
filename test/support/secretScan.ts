import { isSecret, ProgramRun, unwrapSecrets } from "./harness";

/** Every PEM private key (PKCS#1, PKCS#8, SEC1, encrypted) carries this in its armor. */
const PRIVATE_KEY = "PRIVATE KEY";

/** Visits every string in `value` with its path, not entering secrets. */
function walk(value: unknown, path: string, visit: (text: string, path: string) => void): void {
    if (isSecret(value)) return;
    if (typeof value === "string") visit(value, path);
    else if (Array.isArray(value)) value.forEach((item, index) => walk(item, `${path}[${index}]`, visit));
    else if (typeof value === "object" && value !== null) {
        for (const [key, item] of Object.entries(value)) walk(item, `${path}.${key}`, visit);
    }
}

/** Paths of private keys in `value` that no secret marker covers: what Pulumi would store and print in plain text. */
function unmarkedPrivateKeys(value: unknown, path: string): string[] {
    const found: string[] = [];
    walk(value, path, (text, at) => { if (text.includes(PRIVATE_KEY)) found.push(at); });
    return found;
}

/** Paths of private keys in `value`, secret-marked or not: for places that must never hold a key at all. */
export function anyPrivateKeys(value: unknown, path: string): string[] {
    return unmarkedPrivateKeys(unwrapSecrets(value), path);
}

/** Every `labels` and `annotations` map in a Kubernetes object, wherever it is nested (pod templates too). */
function labelsAndAnnotations(value: unknown, path: string): [unknown, string][] {
    if (typeof value !== "object" || value === null) return [];
    return Object.entries(value).flatMap(([key, item]) => {
        const at = `${path}.${key}`;
        return key === "labels" || key === "annotations" ? [[item, at] as [unknown, string]] : labelsAndAnnotations(item, at);
    });
}

/** A ConfigMap's `binaryData` is base64: decode it so a key cannot hide there. */
function decodedBinaryData(inputs: { binaryData?: { [key: string]: string } }): { [key: string]: string } {
    return Object.fromEntries(Object.entries(inputs.binaryData ?? {}).map(([key, data]) => [key, Buffer.from(data, "base64").toString("latin1")]));
}

/**
 * Every place a run exposes a private key: a key outside a secret marker in any registered input or component output
 * (stack outputs included when the run has a stack), and any key at all in a ConfigMap, a label, an annotation or a
 * component output, where a secret marker would not keep it from being read.
 */
export function privateKeyLeaks(run: Pick<ProgramRun, "registrations" | "componentOutputs">): string[] {
    const leaks: string[] = [];
    for (const registration of run.registrations) {
        const at = `${registration.type} ${registration.name}`;
        leaks.push(...unmarkedPrivateKeys(registration.rawInputs, `${at} inputs`));
        const inputs = unwrapSecrets(registration.rawInputs);
        if (registration.type === "kubernetes:core/v1:ConfigMap") {
            leaks.push(...anyPrivateKeys(inputs, `${at} inputs`), ...anyPrivateKeys(decodedBinaryData(inputs), `${at} inputs.binaryData(decoded)`));
        }
        for (const [map, path] of labelsAndAnnotations(inputs, `${at} inputs`)) leaks.push(...anyPrivateKeys(map, path));
    }
    for (const [urn, outputs] of run.componentOutputs) leaks.push(...anyPrivateKeys(outputs, `${urn} outputs`));
    return [...new Set(leaks)];
}
