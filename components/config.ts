import { X509Certificate } from "crypto";
import { CaArgs, DestinationArgs, EgressTlsOriginationArgs, GatewayArgs, LockdownArgs, ServerArgs } from "./args";

/** A refused input. `field` is the path of the offending value, e.g. `destinations[1].host`. */
export class ConfigError extends Error {
    constructor(readonly field: string, problem: string) {
        super(`egress-tls: ${field}: ${problem}`);
        this.name = "ConfigError";
    }
}

export const TLS_MODES = ["SIMPLE", "MUTUAL"] as const;
export type TlsMode = (typeof TLS_MODES)[number];
export const ISTIO_API_VERSIONS = ["networking.istio.io/v1", "networking.istio.io/v1beta1", "networking.istio.io/v1alpha3"] as const;
export const KEY_ALGORITHMS = ["RSA", "ECDSA"] as const;
export const RSA_BITS = [2048, 3072, 4096] as const;
export const ECDSA_CURVES = ["P256", "P384"] as const;
/** Namespaces that exist in every Istio cluster; the component never creates or deletes them. */
const SYSTEM_NAMESPACES = ["default", "kube-system", "kube-public", "kube-node-lease", "istio-system"];

export const DEFAULTS = {
    port: 443,
    mode: "SIMPLE" as TlsMode,
    credentialNamePrefix: "client-credential-",
    serverImage: "nginxinc/nginx-unprivileged:1.27.3-alpine",
    gateway: { namespace: "istio-system", name: "istio-egressgateway", selector: { istio: "egressgateway" }, chartVersion: "1.28.0" },
    routingNamespace: "default",
    istioApiVersion: "networking.istio.io/v1",
    ca: {
        organization: "example Inc.",
        commonName: "example.com",
        algorithm: "RSA",
        rsaBits: 2048,
        ecdsaCurve: "P256",
        validityHours: 8760,
        earlyRenewalHours: 720,
        rotation: "",
    },
    controlPlaneNamespace: "istio-system",
    verifyNamespace: "egress-tls-verify",
};

export interface ResolvedServer {
    namespace: string;
    name: string;
    image: string;
}

export interface ResolvedDestination {
    name: string;
    host: string;
    port: number;
    mode: TlsMode;
    credentialName: string;
    /** Set for an outside host; a destination with a server uses the CA the component makes. */
    caCertPem?: string;
    server?: ResolvedServer;
    subjectAltNames: string[];
}

export interface ResolvedGateway {
    namespace: string;
    name: string;
    selector: { [label: string]: string };
    deploy: boolean;
    chartVersion: string;
}

export interface ResolvedCa {
    organization: string;
    commonName: string;
    algorithm: string;
    rsaBits: number;
    ecdsaCurve: string;
    validityHours: number;
    earlyRenewalHours: number;
    rotation: string;
}

export interface ResolvedLockdown {
    namespaces: string[];
    controlPlaneNamespace: string;
}

/** The component's input with every default applied and every rule checked. */
export interface ResolvedConfig {
    destinations: ResolvedDestination[];
    gateway: ResolvedGateway;
    routingNamespace: string;
    istioApiVersion: string;
    ca: ResolvedCa;
    lockdown?: ResolvedLockdown;
    verify: boolean;
    verifyNamespace: string;
}

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const LABEL_KEY = /^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/)?[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;
const LABEL_VALUE = /^([A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?)?$/;
const PEM_CERTIFICATE = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g;
const HELM_RELEASE_NAME_MAX = 53;

type Fields = { [key: string]: unknown };

function isObject(value: unknown): value is Fields {
    return typeof value === "object" && value !== null && !Array.isArray(value);
}

function requireObject(value: unknown, field: string, allowedKeys: readonly string[]): Fields {
    if (!isObject(value)) throw new ConfigError(field, "must be an object");
    for (const key of Object.keys(value)) {
        if (!allowedKeys.includes(key)) {
            throw new ConfigError(`${field}.${key}`.replace(/^\./, ""), `unknown field; expected one of ${allowedKeys.join(", ")}`);
        }
    }
    return value;
}

function optionalString(value: unknown, field: string, fallback: string): string {
    if (value === undefined) return fallback;
    if (typeof value !== "string") throw new ConfigError(field, "must be a string");
    return value;
}

function nonEmptyString(value: unknown, field: string, fallback: string): string {
    const text = optionalString(value, field, fallback);
    if (text.length === 0) throw new ConfigError(field, "must not be empty");
    return text;
}

function dnsLabel(value: unknown, field: string, fallback?: string): string {
    if (value === undefined && fallback === undefined) throw new ConfigError(field, "is required");
    const text = optionalString(value, field, fallback ?? "");
    if (text.length > 63 || !DNS_LABEL.test(text)) {
        throw new ConfigError(field, `"${text}" is not a DNS-1123 label (lowercase letters, digits and '-', at most 63 characters)`);
    }
    return text;
}

/** Service names are stricter than other object names (RFC 1035): they must start with a letter. */
function serviceName(value: unknown, field: string): string {
    const name = dnsLabel(value, field);
    if (!/^[a-z]/.test(name)) throw new ConfigError(field, `"${name}" names a Service, which must start with a letter (DNS-1035 label)`);
    return name;
}

function dnsName(value: unknown, field: string, allowWildcard = false): string {
    if (typeof value !== "string") throw new ConfigError(field, "must be a string");
    const name = allowWildcard && value.startsWith("*.") ? value.slice(2) : value;
    if (value.length > 253 || !DNS_SUBDOMAIN.test(name) || name.split(".").some((label) => label.length > 63)) {
        throw new ConfigError(field, `"${value}" is not a DNS name (lowercase labels of letters, digits and '-', separated by dots)`);
    }
    return value;
}

function oneOf<T extends string | number>(value: unknown, field: string, allowed: readonly T[], fallback: T): T {
    if (value === undefined) return fallback;
    if (!allowed.includes(value as T)) throw new ConfigError(field, `"${String(value)}" is not one of ${allowed.join(", ")}`);
    return value as T;
}

function integer(value: unknown, field: string, fallback: number, min: number, max: number): number {
    if (value === undefined) return fallback;
    if (typeof value !== "number" || !Number.isInteger(value) || value < min || value > max) {
        throw new ConfigError(field, `${JSON.stringify(value)} is not a whole number from ${min} to ${max}`);
    }
    return value;
}

function optionalBoolean(value: unknown, field: string): boolean {
    if (value === undefined) return false;
    if (typeof value !== "boolean") throw new ConfigError(field, "must be true or false");
    return value;
}

function list(value: unknown, field: string): unknown[] {
    if (!Array.isArray(value)) throw new ConfigError(field, "must be a list");
    return value;
}

function rejectDuplicates(values: string[], field: (index: number) => string, what: string): void {
    const seen = new Map<string, number>();
    values.forEach((value, index) => {
        const first = seen.get(value);
        if (first !== undefined) throw new ConfigError(field(index), `${what} "${value}" is already used by ${field(first)}`);
        seen.set(value, index);
    });
}

/** Parses every PEM block with Node's X.509 parser, so a truncated or non-certificate PEM is refused here and not in Envoy. */
function caCertificates(value: unknown, field: string): string {
    if (typeof value !== "string") throw new ConfigError(field, "must be a string");
    const blocks = value.match(PEM_CERTIFICATE) ?? [];
    if (blocks.length === 0) throw new ConfigError(field, "is not a PEM certificate (no BEGIN CERTIFICATE block)");
    for (const block of blocks) {
        try {
            new X509Certificate(block);
        } catch (error) {
            throw new ConfigError(field, `holds a PEM block that is not an X.509 certificate (${(error as Error).message})`);
        }
    }
    return value;
}

function credentialName(value: unknown, field: string, destinationName: string): string {
    const name = dnsName(value ?? `${DEFAULTS.credentialNamePrefix}${destinationName}`, field);
    if (/^(istio|prometheus)/.test(name)) {
        throw new ConfigError(field, `"${name}" starts with "istio" or "prometheus"; Istio ignores such secrets for credentialName`);
    }
    if (name.length > 253 - "-cacert".length) throw new ConfigError(field, `"${name}" leaves no room for the "-cacert" suffix`);
    return name;
}

function resolveServer(value: unknown, field: string): ResolvedServer {
    const server = requireObject(value, field, ["namespace", "name", "image"] satisfies (keyof ServerArgs)[]);
    return {
        namespace: dnsLabel(server.namespace, `${field}.namespace`),
        name: serviceName(server.name, `${field}.name`),
        image: nonEmptyString(server.image, `${field}.image`, DEFAULTS.serverImage),
    };
}

function resolveDestination(value: unknown, field: string): ResolvedDestination {
    const keys = ["name", "host", "port", "mode", "credentialName", "caCertPem", "server", "subjectAltNames"] satisfies (keyof DestinationArgs)[];
    const destination = requireObject(value, field, keys);
    const name = dnsLabel(destination.name, `${field}.name`);
    if (destination.host === undefined) throw new ConfigError(`${field}.host`, "is required");
    const host = dnsName(destination.host, `${field}.host`);
    const port = integer(destination.port, `${field}.port`, DEFAULTS.port, 1, 65535);
    if (port === 80) throw new ConfigError(`${field}.port`, "80 is the mesh-side plain-HTTP port; the TLS port must differ");
    const server = destination.server === undefined ? undefined : resolveServer(destination.server, `${field}.server`);
    if (server && !host.startsWith(`${server.name}.${server.namespace}.svc.`)) {
        throw new ConfigError(`${field}.host`, `"${host}" is not the in-cluster name of server ${server.namespace}/${server.name} (${server.name}.${server.namespace}.svc.<cluster domain>)`);
    }
    if (server && destination.caCertPem !== undefined) {
        throw new ConfigError(`${field}.caCertPem`, "is not allowed with server: the component makes that server's CA");
    }
    if (!server && destination.caCertPem === undefined) {
        throw new ConfigError(`${field}.caCertPem`, "is required for an outside host (a destination without server)");
    }
    const subjectAltNames = destination.subjectAltNames === undefined ? [] : list(destination.subjectAltNames, `${field}.subjectAltNames`);
    return {
        name,
        host,
        port,
        mode: oneOf(destination.mode, `${field}.mode`, TLS_MODES, DEFAULTS.mode),
        credentialName: credentialName(destination.credentialName, `${field}.credentialName`, name),
        caCertPem: destination.caCertPem === undefined ? undefined : caCertificates(destination.caCertPem, `${field}.caCertPem`),
        server,
        subjectAltNames: subjectAltNames.map((san, index) => dnsName(san, `${field}.subjectAltNames[${index}]`, true)),
    };
}

/** Hosts that differ only in cluster domain could name one server twice; each server belongs to one destination. */
function rejectDuplicateServers(destinations: ResolvedDestination[]): void {
    const servers = destinations.map((d) => (d.server ? `${d.server.namespace}/${d.server.name}` : `outside:${d.name}`));
    rejectDuplicates(servers, (i) => `destinations[${i}].server.name`, "server");
}

/** The Secret names a destination's credential occupies in the gateway namespace, claimed or read by Istio. */
function credentialSecretNames(destination: ResolvedDestination): string[] {
    return [destination.credentialName, `${destination.credentialName}-cacert`];
}

function rejectCredentialCollisions(destinations: ResolvedDestination[]): void {
    const owner = new Map<string, number>();
    destinations.forEach((destination, index) => {
        for (const secretName of credentialSecretNames(destination)) {
            const first = owner.get(secretName);
            if (first !== undefined && first !== index) {
                throw new ConfigError(
                    `destinations[${index}].credentialName`,
                    `"${destination.credentialName}" claims secret "${secretName}", which destinations[${first}] (${destinations[first].name}) already uses`,
                );
            }
            owner.set(secretName, index);
        }
    });
}

function resolveGateway(value: unknown): ResolvedGateway {
    const field = "gateway";
    const gateway = requireObject(value ?? {}, field, ["namespace", "name", "selector", "deploy", "chartVersion"] satisfies (keyof GatewayArgs)[]);
    let selector = DEFAULTS.gateway.selector as { [label: string]: string };
    if (gateway.selector !== undefined) {
        if (!isObject(gateway.selector) || Object.keys(gateway.selector).length === 0) {
            throw new ConfigError(`${field}.selector`, "must be a non-empty map of pod labels");
        }
        for (const [key, labelValue] of Object.entries(gateway.selector)) {
            if (!LABEL_KEY.test(key)) throw new ConfigError(`${field}.selector`, `"${key}" is not a label key`);
            if (typeof labelValue !== "string" || labelValue.length > 63 || !LABEL_VALUE.test(labelValue)) {
                throw new ConfigError(`${field}.selector.${key}`, `${JSON.stringify(labelValue)} is not a label value`);
            }
        }
        selector = gateway.selector as { [label: string]: string };
    }
    const name = dnsLabel(gateway.name, `${field}.name`, DEFAULTS.gateway.name);
    const deploy = optionalBoolean(gateway.deploy, `${field}.deploy`);
    if (deploy && name.length > HELM_RELEASE_NAME_MAX) {
        throw new ConfigError(`${field}.name`, `"${name}" names the gateway's Helm release, which allows at most ${HELM_RELEASE_NAME_MAX} characters`);
    }
    return {
        namespace: dnsLabel(gateway.namespace, `${field}.namespace`, DEFAULTS.gateway.namespace),
        name,
        selector,
        deploy,
        chartVersion: nonEmptyString(gateway.chartVersion, `${field}.chartVersion`, DEFAULTS.gateway.chartVersion),
    };
}

function resolveCa(value: unknown): ResolvedCa {
    const keys = ["organization", "commonName", "algorithm", "rsaBits", "ecdsaCurve", "validityHours", "earlyRenewalHours", "rotation"] satisfies (keyof CaArgs)[];
    const ca = requireObject(value ?? {}, "ca", keys);
    const validityHours = integer(ca.validityHours, "ca.validityHours", DEFAULTS.ca.validityHours, 2, 24 * 365 * 20);
    const earlyRenewalHours = integer(ca.earlyRenewalHours, "ca.earlyRenewalHours", Math.min(DEFAULTS.ca.earlyRenewalHours, Math.floor(validityHours / 2)), 0, validityHours - 1);
    return {
        organization: nonEmptyString(ca.organization, "ca.organization", DEFAULTS.ca.organization),
        commonName: nonEmptyString(ca.commonName, "ca.commonName", DEFAULTS.ca.commonName),
        algorithm: oneOf(ca.algorithm, "ca.algorithm", KEY_ALGORITHMS, "RSA"),
        rsaBits: oneOf(ca.rsaBits, "ca.rsaBits", RSA_BITS, 2048),
        ecdsaCurve: oneOf(ca.ecdsaCurve, "ca.ecdsaCurve", ECDSA_CURVES, "P256"),
        validityHours,
        earlyRenewalHours,
        rotation: optionalString(ca.rotation, "ca.rotation", DEFAULTS.ca.rotation),
    };
}

function resolveLockdown(value: unknown): ResolvedLockdown | undefined {
    if (value === undefined) return undefined;
    const lockdown = requireObject(value, "lockdown", ["namespaces", "controlPlaneNamespace"] satisfies (keyof LockdownArgs)[]);
    if (lockdown.namespaces === undefined) throw new ConfigError("lockdown.namespaces", "is required");
    const namespaces = list(lockdown.namespaces, "lockdown.namespaces").map((ns, i) => dnsLabel(ns, `lockdown.namespaces[${i}]`));
    if (namespaces.length === 0) throw new ConfigError("lockdown.namespaces", "must list at least one namespace");
    rejectDuplicates(namespaces, (i) => `lockdown.namespaces[${i}]`, "namespace");
    return {
        namespaces,
        controlPlaneNamespace: dnsLabel(lockdown.controlPlaneNamespace, "lockdown.controlPlaneNamespace", DEFAULTS.controlPlaneNamespace),
    };
}

/** Namespaces the component creates must not be ones that exist already or that another part of the config names. */
function rejectNamespaceClashes(config: ResolvedConfig): void {
    const taken = new Map<string, string>(SYSTEM_NAMESPACES.map((ns) => [ns, "a system namespace"]));
    taken.set(config.routingNamespace, "routingNamespace");
    const created: [string, string][] = [];
    if (config.gateway.deploy) created.push([config.gateway.namespace, "gateway.namespace"]);
    else taken.set(config.gateway.namespace, "gateway.namespace");
    const serverNamespaces = new Set<string>();
    config.destinations.forEach((destination, index) => {
        const namespace = destination.server?.namespace;
        if (namespace === undefined || serverNamespaces.has(namespace)) return;
        serverNamespaces.add(namespace);
        created.push([namespace, `destinations[${index}].server.namespace`]);
    });
    if (config.verify) created.push([config.verifyNamespace, "verifyNamespace"]);
    for (const [namespace, field] of created) {
        const owner = taken.get(namespace);
        if (owner !== undefined) throw new ConfigError(field, `namespace "${namespace}" is ${owner.startsWith("a ") ? owner : `also ${owner}`}; the component creates and deletes this namespace, so it must be its own`);
        taken.set(namespace, field);
    }
}

/**
 * Applies defaults and checks every rule; the one place that judges input. Throws a ConfigError naming the field,
 * before any resource exists.
 */
export function resolveConfig(args: EgressTlsOriginationArgs): ResolvedConfig {
    const keys = ["destinations", "gateway", "routingNamespace", "istioApiVersion", "ca", "lockdown", "verify", "verifyNamespace"] satisfies (keyof EgressTlsOriginationArgs)[];
    const input = requireObject(args, "", keys);
    if (input.destinations === undefined) throw new ConfigError("destinations", "is required");
    const destinations = list(input.destinations, "destinations").map((d, i) => resolveDestination(d, `destinations[${i}]`));
    if (destinations.length === 0) throw new ConfigError("destinations", "must list at least one destination");
    rejectDuplicates(destinations.map((d) => d.name), (i) => `destinations[${i}].name`, "name");
    rejectDuplicates(destinations.map((d) => d.host), (i) => `destinations[${i}].host`, "host");
    rejectDuplicateServers(destinations);
    rejectCredentialCollisions(destinations);
    const config: ResolvedConfig = {
        destinations,
        gateway: resolveGateway(input.gateway),
        routingNamespace: dnsLabel(input.routingNamespace, "routingNamespace", DEFAULTS.routingNamespace),
        istioApiVersion: oneOf(input.istioApiVersion, "istioApiVersion", ISTIO_API_VERSIONS, "networking.istio.io/v1"),
        ca: resolveCa(input.ca),
        lockdown: resolveLockdown(input.lockdown),
        verify: optionalBoolean(input.verify, "verify"),
        verifyNamespace: dnsLabel(input.verifyNamespace, "verifyNamespace", DEFAULTS.verifyNamespace),
    };
    rejectNamespaceClashes(config);
    return config;
}
