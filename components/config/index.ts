import { AllowedCaller, CertificateAuthority, Destination, EgressTlsOriginationArgs, EgressGateway, EgressLockdown, TlsServer } from "../args";
import { GATEWAY_NAME_LABEL, objectNames } from "../naming";
import {
    ConfigError, dnsLabel, dnsName, integer, isObject, labelMap, list, nonEmptyString, oneOf, optionalBoolean,
    rejectDuplicates, requireObject, serviceName, shown,
} from "./fieldCheckers";
import { broughtCaCertificates, CheckedBundles } from "./broughtCa";
import { isClusterDomainName, outsideHost, subjectAltName } from "./hosts";
import { checkGatewayChartVersion } from "./gatewayChart";
import { exactChartVersion, pinnedImage } from "./pinning";
import { lockdownExclusions, rejectReservedSecretName } from "./reservedNames";
import {
    ConfigWarning, DEFAULTS, ECDSA_CURVES, GATEWAY_TYPES, GatewayType, ISTIO_API_VERSIONS, KEY_ALGORITHMS, ResolvedAllowedCaller,
    ResolvedCa, ResolvedConfig, ResolvedDestination, ResolvedGateway, ResolvedLockdown, ResolvedServer, RSA_BITS, SYSTEM_NAMESPACES,
    TLS_MODES,
} from "./resolved";

// The rules that judge a whole config: the one place that validates input.

export { ConfigError } from "./fieldCheckers";
export * from "./resolved";
export { checkStackMode, isRenderStack } from "./stackRules";

const HELM_RELEASE_NAME_MAX = 53;

const NAME_PREFIX_MAX = 20;

function credentialName(value: unknown, field: string, objectName: string): string {
    const name = dnsName(value ?? objectNames.defaultCredentialName(objectName), field);
    const caOnlySecret = objectNames.caOnlyCredentialSecret(name);
    if (caOnlySecret.length > 253) throw new ConfigError(field, `${shown(name)} leaves no room for the "${caOnlySecret.slice(name.length)}" suffix`);
    for (const secretName of objectNames.credentialSecretNames(name)) rejectReservedSecretName(secretName, field);
    return name;
}

function resolveServer(value: unknown, field: string): ResolvedServer {
    const server = requireObject(value, field, ["namespace", "name", "image"] satisfies (keyof TlsServer)[]);
    return {
        namespace: dnsLabel(server.namespace, `${field}.namespace`),
        name: serviceName(server.name, `${field}.name`),
        image: pinnedImage(server.image, `${field}.image`, DEFAULTS.serverImage),
    };
}

/**
 * The callers admitted to a destination. An empty list would refuse everyone (a destination nobody may use is a
 * mistake, not a policy); a service account entry inside a namespace that is listed whole would add nothing.
 */
function resolveAllowedFrom(value: unknown, field: string): ResolvedAllowedCaller[] {
    const callers = list(value, field).map((entry, index): ResolvedAllowedCaller => {
        const caller = requireObject(entry, `${field}[${index}]`, ["namespace", "serviceAccount"] satisfies (keyof AllowedCaller)[]);
        const namespace = dnsLabel(caller.namespace, `${field}[${index}].namespace`);
        // Kubernetes names service accounts as DNS-1123 subdomains (apimachinery ValidateServiceAccountName).
        const serviceAccount = caller.serviceAccount === undefined ? undefined : dnsName(caller.serviceAccount, `${field}[${index}].serviceAccount`);
        return serviceAccount === undefined ? { namespace } : { namespace, serviceAccount };
    });
    if (callers.length === 0) throw new ConfigError(field, "must list at least one caller; leave allowedFrom out to let the whole mesh use the destination");
    rejectDuplicates(callers.map((c) => `${c.namespace}/${c.serviceAccount ?? "*"}`), (i) => `${field}[${i}]`, "caller");
    callers.forEach((caller, index) => {
        const whole = callers.findIndex((c) => c.namespace === caller.namespace && c.serviceAccount === undefined);
        if (caller.serviceAccount !== undefined && whole !== -1) {
            throw new ConfigError(`${field}[${index}].serviceAccount`, `adds nothing: ${field}[${whole}] already admits every service account in namespace "${caller.namespace}"`);
        }
    });
    return callers;
}

/** Empty (the walkthrough's names), or a short DNS label that every instance-scoped name starts with. */
function namePrefix(value: unknown): string {
    if (value === undefined || value === "") return DEFAULTS.namePrefix;
    const prefix = dnsLabel(value, "namePrefix");
    if (prefix.length > NAME_PREFIX_MAX) throw new ConfigError("namePrefix", `"${prefix}" is longer than ${NAME_PREFIX_MAX} characters, which object names must leave room for`);
    return prefix;
}

/**
 * What a rule needs beyond the input: the time certificates are judged at, where accepted-but-doubtful input is noted,
 * and the brought bundles checked so far.
 */
interface Judging {
    now: Date;
    warnings: ConfigWarning[];
    checkedBundles: CheckedBundles;
}

function broughtCa(value: unknown, field: string, judging: Judging): Pick<ResolvedDestination, "caCertPem" | "caCertSummaries"> {
    if (value === undefined) return {};
    const { pem, summaries, warnings } = broughtCaCertificates(value, field, judging.now, judging.checkedBundles);
    judging.warnings.push(...warnings);
    return { caCertPem: pem, caCertSummaries: summaries };
}

/** What differs by `gateway.type` in the rules for `gateway`; where each type's gateway is by default is DEFAULTS'. */
interface GatewayTypeRules {
    /**
     * Istio runs the gateway's pods itself, from its Gateway object: `gateway.selector` and `gateway.deploy`, which
     * describe istioctl's or the chart's gateway, do not apply, and the component makes the gateway's namespace.
     */
    deployedByIstio: boolean;
    /** The labels of the gateway's pods, from `gateway.selector` (given or not) and the gateway's name. */
    podSelector(selector: unknown, name: string, field: string): { [label: string]: string };
    /**
     * A server's host is a ServiceEntry's, with the server's Service as its endpoint (a waypoint's, as Istio's
     * TestWaypointAsEgressGateway does), rather than the Service's own name.
     */
    serverBehindServiceEntry: boolean;
}

/** The label Istio gives the pods of a Gateway it deploys, waypoints included. */
const ISTIO_DEPLOYED = { deployedByIstio: true, podSelector: (_selector: unknown, name: string) => ({ [GATEWAY_NAME_LABEL]: name }) };

const GATEWAY_TYPE_RULES: { [type in GatewayType]: GatewayTypeRules } = {
    istio: {
        deployedByIstio: false,
        podSelector: (selector, _name, field) => (selector === undefined ? DEFAULTS.gateway.selector : labelMap(selector, field)),
        serverBehindServiceEntry: false,
    },
    "gateway-api": { ...ISTIO_DEPLOYED, serverBehindServiceEntry: false },
    waypoint: { ...ISTIO_DEPLOYED, serverBehindServiceEntry: true },
};

/**
 * The host of a destination with an in-cluster server: the server's Service name, except where the server is behind a
 * ServiceEntry (a waypoint's). A ServiceEntry must not take a Service's own name: so there a name outside the cluster,
 * with an outside host's rules.
 */
function serverHost(value: unknown, server: ResolvedServer, gatewayType: GatewayType, field: string): string {
    const host = dnsName(value, field);
    const inClusterName = `${server.name}.${server.namespace}.svc.`;
    if (GATEWAY_TYPE_RULES[gatewayType].serverBehindServiceEntry) {
        if (isClusterDomainName(host)) {
            throw new ConfigError(field, `${shown(host)} is an in-cluster Service name; with gateway.type ${shown(gatewayType)} a server's host is a ServiceEntry's and must be a name outside the cluster, such as "${server.name}.example.com"`);
        }
        return outsideHost(host, field);
    }
    if (!host.startsWith(inClusterName)) {
        throw new ConfigError(field, `${shown(host)} is not the in-cluster name of server ${server.namespace}/${server.name} (${inClusterName}<cluster domain>)`);
    }
    return host;
}

function resolveDestination(value: unknown, field: string, prefix: string, gatewayType: GatewayType, judging: Judging): ResolvedDestination {
    const keys = ["name", "host", "port", "mode", "credentialName", "caCertPem", "server", "subjectAltNames", "allowedFrom"] satisfies (keyof Destination)[];
    const destination = requireObject(value, field, keys);
    const name = dnsLabel(destination.name, `${field}.name`);
    const objectName = objectNames.destinationObjectName(prefix, name);
    if (destination.host === undefined) throw new ConfigError(`${field}.host`, "is required");
    const server = destination.server === undefined ? undefined : resolveServer(destination.server, `${field}.server`);
    const host = server ? serverHost(destination.host, server, gatewayType, `${field}.host`) : outsideHost(destination.host, `${field}.host`);
    const port = integer(destination.port, `${field}.port`, DEFAULTS.port, 1, 65535);
    if (port === 80) throw new ConfigError(`${field}.port`, "80 is the mesh-side plain-HTTP port; the TLS port must differ");
    if (server && destination.caCertPem !== undefined) {
        throw new ConfigError(`${field}.caCertPem`, "is not allowed with server: the component makes that server's CA");
    }
    if (!server && destination.caCertPem === undefined) {
        throw new ConfigError(`${field}.caCertPem`, "is required for an outside host (a destination without server)");
    }
    const subjectAltNames = destination.subjectAltNames === undefined ? [] : list(destination.subjectAltNames, `${field}.subjectAltNames`);
    return {
        name,
        objectName,
        host,
        port,
        mode: oneOf(destination.mode, `${field}.mode`, TLS_MODES, DEFAULTS.mode),
        credentialName: credentialName(destination.credentialName, `${field}.credentialName`, objectName),
        ...broughtCa(destination.caCertPem, `${field}.caCertPem`, judging),
        server,
        subjectAltNames: subjectAltNames.map((san, index) => subjectAltName(san, `${field}.subjectAltNames[${index}]`)),
        ...(destination.allowedFrom === undefined ? {} : { allowedFrom: resolveAllowedFrom(destination.allowedFrom, `${field}.allowedFrom`) }),
    };
}

/** Hosts that differ only in cluster domain could name one server twice; each server belongs to one destination. */
function rejectDuplicateServers(destinations: ResolvedDestination[]): void {
    const servers = destinations.map((d) => (d.server ? `${d.server.namespace}/${d.server.name}` : undefined));
    rejectDuplicates(servers, (i) => `destinations[${i}].server.name`, "server");
}

function rejectCredentialCollisions(destinations: ResolvedDestination[]): void {
    const owner = new Map<string, number>();
    destinations.forEach((destination, index) => {
        for (const secretName of objectNames.credentialSecretNames(destination.credentialName)) {
            const first = owner.get(secretName);
            if (first !== undefined && first !== index) {
                throw new ConfigError(
                    `destinations[${index}].credentialName`,
                    `${shown(destination.credentialName)} claims secret ${shown(secretName)}, which destinations[${first}] (${destinations[first].name}) already uses`,
                );
            }
            owner.set(secretName, index);
        }
    });
}

const ISTIO_ONLY_GATEWAY_FIELDS = ["selector", "deploy"] as const;

function resolveGateway(value: unknown): ResolvedGateway {
    const field = "gateway";
    const gateway = requireObject(value ?? {}, field, ["type", "namespace", "name", "selector", "deploy", "chartVersion"] satisfies (keyof EgressGateway)[]);
    const type = oneOf(gateway.type, `${field}.type`, GATEWAY_TYPES, DEFAULTS.gateway.type);
    const rules = GATEWAY_TYPE_RULES[type];
    if (rules.deployedByIstio) {
        for (const key of ISTIO_ONLY_GATEWAY_FIELDS) {
            if (gateway[key] !== undefined) {
                throw new ConfigError(`${field}.${key}`, `only applies to gateway.type "istio"; Istio deploys and labels a ${shown(type)} gateway itself`);
            }
        }
    }
    const placement = DEFAULTS.gateway.placement[type];
    const name = dnsLabel(gateway.name, `${field}.name`, placement.name);
    const deploy = optionalBoolean(gateway.deploy, `${field}.deploy`);
    if (deploy && name.length > HELM_RELEASE_NAME_MAX) {
        throw new ConfigError(`${field}.name`, `${shown(name)} names the gateway's Helm release, which allows at most ${HELM_RELEASE_NAME_MAX} characters`);
    }
    return {
        type,
        namespace: dnsLabel(gateway.namespace, `${field}.namespace`, placement.namespace),
        name,
        selector: rules.podSelector(gateway.selector, name, `${field}.selector`),
        deploy,
        chartVersion: checkGatewayChartVersion(exactChartVersion(gateway.chartVersion, `${field}.chartVersion`, DEFAULTS.gateway.chartVersion), `${field}.chartVersion`),
    };
}

/** `ca.generations`: non-empty, unique DNS labels, as each names the resources of its CA. */
function generations(value: unknown): string[] {
    if (value === undefined) return DEFAULTS.ca.generations;
    const names = list(value, "ca.generations").map((name, index) => dnsLabel(name, `ca.generations[${index}]`));
    if (names.length === 0) throw new ConfigError("ca.generations", "must list at least one generation");
    rejectDuplicates(names, (index) => `ca.generations[${index}]`, "generation");
    return names;
}

/** The component creates the gateway's namespace when it makes the gateway: with `deploy`, and for every type Istio deploys. */
export function createsGatewayNamespace(gateway: ResolvedGateway): boolean {
    return gateway.deploy || GATEWAY_TYPE_RULES[gateway.type].deployedByIstio;
}

function resolveCa(value: unknown): ResolvedCa {
    const keys = ["organization", "commonName", "algorithm", "rsaBits", "ecdsaCurve", "validityHours", "earlyRenewalHours", "generations", "issuer"] satisfies (keyof CertificateAuthority)[];
    if (isObject(value) && value.rotation !== undefined) {
        throw new ConfigError("ca.rotation", "was removed: rotate the CA by generations (ca.generations, ca.issuer) with no failed request; see docs/upgrading.md");
    }
    const ca = requireObject(value ?? {}, "ca", keys);
    const caGenerations = generations(ca.generations);
    const issuer = ca.issuer === undefined ? caGenerations[caGenerations.length - 1] : dnsLabel(ca.issuer, "ca.issuer");
    if (!caGenerations.includes(issuer)) throw new ConfigError("ca.issuer", `${shown(issuer)} is not one of ca.generations (${caGenerations.join(", ")})`);
    const validityHours = integer(ca.validityHours, "ca.validityHours", DEFAULTS.ca.validityHours, 2, 24 * 365 * 20);
    const earlyRenewalHours = integer(ca.earlyRenewalHours, "ca.earlyRenewalHours", Math.min(DEFAULTS.ca.earlyRenewalHours, Math.floor(validityHours / 2)), 0, validityHours - 1);
    return {
        organization: nonEmptyString(ca.organization, "ca.organization", DEFAULTS.ca.organization),
        commonName: nonEmptyString(ca.commonName, "ca.commonName", DEFAULTS.ca.commonName),
        algorithm: oneOf(ca.algorithm, "ca.algorithm", KEY_ALGORITHMS, DEFAULTS.ca.algorithm),
        rsaBits: oneOf(ca.rsaBits, "ca.rsaBits", RSA_BITS, DEFAULTS.ca.rsaBits),
        ecdsaCurve: oneOf(ca.ecdsaCurve, "ca.ecdsaCurve", ECDSA_CURVES, DEFAULTS.ca.ecdsaCurve),
        validityHours,
        earlyRenewalHours,
        generations: caGenerations,
        issuer,
    };
}

function resolveLockdown(value: unknown, gateway: ResolvedGateway): ResolvedLockdown | undefined {
    if (value === undefined) return undefined;
    const lockdown = requireObject(value, "lockdown", ["namespaces", "controlPlaneNamespace"] satisfies (keyof EgressLockdown)[]);
    if (lockdown.namespaces === undefined) throw new ConfigError("lockdown.namespaces", "is required");
    const namespaces = list(lockdown.namespaces, "lockdown.namespaces").map((ns, i) => dnsLabel(ns, `lockdown.namespaces[${i}]`));
    if (namespaces.length === 0) throw new ConfigError("lockdown.namespaces", "must list at least one namespace");
    rejectDuplicates(namespaces, (i) => `lockdown.namespaces[${i}]`, "namespace");
    const controlPlaneNamespace = dnsLabel(lockdown.controlPlaneNamespace, "lockdown.controlPlaneNamespace", DEFAULTS.controlPlaneNamespace);
    const excluded = lockdownExclusions(gateway.namespace, controlPlaneNamespace);
    namespaces.forEach((namespace, i) => {
        const why = excluded.get(namespace);
        if (why !== undefined) throw new ConfigError(`lockdown.namespaces[${i}]`, `${shown(namespace)} must not be locked down: it is ${why}`);
    });
    return { namespaces, controlPlaneNamespace };
}

/** Namespaces the component creates must not be ones that exist already or that another part of the config names. */
function rejectNamespaceClashes(config: ResolvedConfig): void {
    const taken = new Map<string, string>(SYSTEM_NAMESPACES.map((ns) => [ns, "a system namespace"]));
    taken.set(config.routingNamespace, "routingNamespace");
    const created: [string, string][] = [];
    if (createsGatewayNamespace(config.gateway)) created.push([config.gateway.namespace, "gateway.namespace"]);
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
        if (owner !== undefined) throw new ConfigError(field, `namespace ${shown(namespace)} is ${owner.startsWith("a ") ? owner : `also ${owner}`}; the component creates and deletes this namespace, so it must be its own`);
        taken.set(namespace, field);
    }
}

/**
 * Applies defaults and checks every rule; the one place that judges input. Throws a ConfigError naming the field,
 * before any resource exists.
 */
export function resolveConfig(args: EgressTlsOriginationArgs, now: Date = new Date()): ResolvedConfig {
    const keys = ["destinations", "gateway", "routingNamespace", "istioApiVersion", "ca", "lockdown", "verify", "verifyNamespace", "trustDomain", "namePrefix"] satisfies (keyof EgressTlsOriginationArgs)[];
    const input = requireObject(args, "", keys);
    const prefix = namePrefix(input.namePrefix);
    if (input.destinations === undefined) throw new ConfigError("destinations", "is required");
    const judging: Judging = { now, warnings: [], checkedBundles: new Map() };
    const gateway = resolveGateway(input.gateway);
    const destinations = list(input.destinations, "destinations").map((d, i) => resolveDestination(d, `destinations[${i}]`, prefix, gateway.type, judging));
    if (destinations.length === 0) throw new ConfigError("destinations", "must list at least one destination");
    rejectDuplicates(destinations.map((d) => d.name), (i) => `destinations[${i}].name`, "name");
    rejectDuplicates(destinations.map((d) => d.host), (i) => `destinations[${i}].host`, "host");
    rejectDuplicateServers(destinations);
    rejectCredentialCollisions(destinations);
    const config: ResolvedConfig = {
        destinations,
        gateway,
        routingNamespace: dnsLabel(input.routingNamespace, "routingNamespace", DEFAULTS.routingNamespace),
        istioApiVersion: oneOf(input.istioApiVersion, "istioApiVersion", ISTIO_API_VERSIONS, DEFAULTS.istioApiVersion),
        ca: resolveCa(input.ca),
        lockdown: resolveLockdown(input.lockdown, gateway),
        verify: optionalBoolean(input.verify, "verify"),
        verifyNamespace: dnsLabel(input.verifyNamespace, "verifyNamespace", objectNames.defaultVerifyNamespace(prefix)),
        trustDomain: dnsName(input.trustDomain ?? DEFAULTS.trustDomain, "trustDomain"),
        namePrefix: prefix,
        warnings: judging.warnings,
    };
    rejectNamespaceClashes(config);
    return config;
}
