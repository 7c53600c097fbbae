import fc from "fast-check";
import { allPaths, isObject, Path } from "./configPaths";
import { OUTSIDE_CA_PEM } from "./fixtures";

/**
 * Random component configs for property tests: mostly valid ones, then a few random mutations. Names come partly from
 * small pools (system namespaces among them), so destinations, namespaces and credentials also clash.
 */

/** A config as parsed JSON, mutated in place by path. */
type Json = any;

const label = fc.oneof(
    { weight: 1, arbitrary: fc.constantFrom("nginx", "billing", "partner", "mesh-external", "payments", "apps", "demo-istio", "default", "istio-system") },
    { weight: 3, arbitrary: fc.stringMatching(/^[a-z0-9]([a-z0-9-]{0,10}[a-z0-9])?$/) },
);
/** Absent more often than not: an explicit value is where two destinations' credentials collide. */
const rarely = <T>(arbitrary: fc.Arbitrary<T>) => fc.oneof({ weight: 2, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary });
const outsideHost = fc.oneof(
    fc.constantFrom("api.partner.example.org", "bank.example.com", "nginx.example.com"),
    fc.tuple(label, fc.constantFrom("example.com", "example.org")).map(([name, domain]) => `${name}.${domain}`),
);
const clusterDomain = fc.constantFrom("cluster.local", "cluster.local", "corp.internal");
const port = fc.oneof(fc.constantFrom(443, 8443), fc.integer({ min: 1, max: 65535 }));
const mode = fc.constantFrom("SIMPLE", "MUTUAL");

const destination = fc.record({
    name: label,
    inCluster: fc.boolean(),
    serverName: label,
    serverNamespace: label,
    domain: clusterDomain,
    outsideHost,
    image: fc.option(fc.constantFrom("nginxinc/nginx-unprivileged:1.27.3-alpine", "registry.example.com/nginx:1.27"), { nil: undefined }),
    port: fc.option(port, { nil: undefined }),
    mode: fc.option(mode, { nil: undefined }),
    credentialName: rarely(fc.oneof(label, fc.constant("client-credential"))),
    subjectAltNames: fc.option(fc.array(outsideHost, { maxLength: 2 }), { nil: undefined }),
    allowedFrom: rarely(fc.array(fc.record({ namespace: label, serviceAccount: fc.option(label, { nil: undefined }) }), { maxLength: 3 })),
}).map((d) => ({
    name: d.name,
    ...(d.inCluster
        ? { host: `${d.serverName}.${d.serverNamespace}.svc.${d.domain}`, server: { namespace: d.serverNamespace, name: d.serverName, image: d.image } }
        : { host: d.outsideHost, caCertPem: OUTSIDE_CA_PEM }),
    port: d.port,
    mode: d.mode,
    credentialName: d.credentialName,
    subjectAltNames: d.subjectAltNames,
    allowedFrom: d.allowedFrom,
}));

const optional = { requiredKeys: [] as never[] };

const validConfig = fc.record({
    destinations: fc.uniqueArray(destination, { selector: (d) => d.name, minLength: 1, maxLength: 3 }),
    // `selector` and `deploy` belong to type istio (the default); the other types are mostly valid without them.
    gateway: fc.oneof(
        { weight: 3, arbitrary: fc.record({
            type: fc.constant("istio"),
            namespace: label,
            name: label,
            selector: fc.constantFrom({ istio: "egressgateway" }, { app: "egress-gw" }, { "app.kubernetes.io/name": "gw" }),
            deploy: fc.boolean(),
            chartVersion: fc.constantFrom("1.31.1", "1.30.5"),
        }, optional) },
        { weight: 1, arbitrary: fc.record({ type: fc.constantFrom("gateway-api", "waypoint"), namespace: label, name: label }, { requiredKeys: ["type"] }) },
    ),
    routingNamespace: label,
    istioApiVersion: fc.constantFrom("networking.istio.io/v1", "networking.istio.io/v1beta1", "networking.istio.io/v1alpha3"),
    ca: fc.record({
        algorithm: fc.constantFrom("RSA", "ECDSA"),
        rsaBits: fc.constantFrom(2048, 3072, 4096),
        ecdsaCurve: fc.constantFrom("P256", "P384"),
        validityHours: fc.integer({ min: 2, max: 100_000 }),
        earlyRenewalHours: rarely(fc.integer({ min: 0, max: 2_000 })),
        generations: fc.uniqueArray(fc.constantFrom("1", "2", "2027", "green"), { minLength: 1, maxLength: 3 }),
        organization: fc.constantFrom("example Inc.", "Acme"),
    }, optional),
    lockdown: fc.record({
        namespaces: fc.uniqueArray(label, { minLength: 1, maxLength: 3 }),
        controlPlaneNamespace: label,
    }, { requiredKeys: ["namespaces"] }),
    verify: fc.boolean(),
    verifyNamespace: label,
    trustDomain: fc.constantFrom("cluster.local", "corp.example"),
}, { requiredKeys: ["destinations"] });

/** Values a mutation puts in place of another: wrong types, empty and malformed text, out-of-range numbers. */
const REPLACEMENTS: Json[] = [
    0, -1, 80, 65536, 1.5, 1e9, "", " ", "443", "Bad_Name", "-edge-", "x".repeat(64), "UPPER.example.com", "a..b", "*.wild.example.com",
    "9lives", "nginx", "simple", "ISTIO_MUTUAL", "latest", "istio-credential", "prometheus-credential", "localhost",
    "-----BEGIN CERTIFICATE-----\nnot base64\n-----END CERTIFICATE-----", true, false, null, [], {}, ["nginx"], { name: "nginx" },
];

/** Mutation kinds with their weights: most replace or delete a value, a few make collisions or unknown keys. */
const MUTATIONS = { replace: 5, delete: 2, unknownKey: 1, duplicateDestination: 1, shareCredential: 1, shareServer: 1 } as const;

interface Mutation {
    kind: keyof typeof MUTATIONS;
    /** Picks the path, among all of the config's, that the mutation acts on. */
    at: number;
    replacement: Json;
}

const mutationKind = fc.oneof(...Object.entries(MUTATIONS).map(([kind, weight]) => ({ weight, arbitrary: fc.constant(kind as Mutation["kind"]) })));
const mutation: fc.Arbitrary<Mutation> = fc.record({ kind: mutationKind, at: fc.nat(), replacement: fc.constantFrom(...REPLACEMENTS) });

function parentOf(root: Json, path: Path): Json {
    return path.slice(0, -1).reduce((value, key) => value[key], root);
}

function applyMutation(config: Json, { kind, at, replacement }: Mutation): void {
    const paths = allPaths(config);
    if (paths.length === 0) {
        if (kind === "unknownKey") config.unexpectedField = replacement;
        return;
    }
    const path = paths[at % paths.length];
    const parent = parentOf(config, path);
    const key = path[path.length - 1];
    const destinations: Json[] = Array.isArray(config.destinations) ? config.destinations.filter(isObject) : [];
    switch (kind) {
        case "replace":
            parent[key] = structuredClone(replacement);
            return;
        case "delete":
            if (Array.isArray(parent)) parent.splice(key as number, 1);
            else delete parent[key];
            return;
        case "unknownKey": {
            const target = [parent[key], parent].find(isObject) ?? config;
            target.unexpectedField = replacement;
            return;
        }
        case "duplicateDestination":
            if (destinations.length > 0) config.destinations.push(structuredClone(destinations[at % destinations.length]));
            return;
        case "shareCredential":
            if (destinations.length > 1) {
                const from = destinations[at % destinations.length];
                destinations[(at + 1) % destinations.length].credentialName = from.credentialName ?? `client-credential-${from.name}`;
            }
            return;
        case "shareServer": {
            // One server under two names: the same Service reached through two cluster domains.
            const from = destinations.find((d) => isObject(d.server));
            const to = destinations.find((d) => d !== from);
            if (from && to) {
                const { name, namespace } = from.server;
                to.server = structuredClone(from.server);
                to.host = `${name}.${namespace}.svc.${String(from.host).endsWith(".cluster.local") ? "corp.internal" : "cluster.local"}`;
                delete to.caCertPem;
            }
            return;
        }
    }
}

/** A config as the stack hands it over (JSON: no undefined fields), with up to `maxMutations` random mutations. */
const namePrefix = fc.option(fc.constantFrom("", "team-a", "b"), { nil: undefined });

export function mostlyValidConfig(maxMutations = 2): fc.Arbitrary<Json> {
    // namePrefix is drawn last, so the configs drawn before it stayed what they were before it existed.
    return fc.tuple(validConfig, fc.array(mutation, { maxLength: maxMutations }), namePrefix).map(([config, mutations, prefix]) => {
        const mutated = JSON.parse(JSON.stringify(prefix === undefined ? config : { ...config, namePrefix: prefix }));
        mutations.forEach((m) => applyMutation(mutated, m));
        return mutated;
    });
}
