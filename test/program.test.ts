import * as assert from "assert";
import { ConfigError } from "../components";
import { cheapProviders } from "./support/cheapProviders";
import { stackConfig } from "./support/devStack";
import { NGINX, TYPES } from "./support/fixtures";
import { ProgramRun, ProviderFn, unwrapSecrets } from "./support/harness";
import { runStackProgram, stackUrn } from "./support/stackProgram";
import { SimulatedProviders } from "./support/tlsProvider";

const HOST = NGINX.host;
const CA_CERT_TYPE = TYPES.selfSignedCert;

interface StackRun {
    run: ProgramRun;
    /** The stack's outputs, as `pulumi stack output` shows them. */
    outputs: { [name: string]: any };
    /** What the program logged as warnings. */
    warnings: string[];
}

/** Runs index.ts as `pulumi up` would with this stack config, and keeps its stack outputs and warnings. */
async function runStack(config: { [key: string]: string }, provider: ProviderFn = new SimulatedProviders().provider, stackName = "dev"): Promise<StackRun> {
    const warnings: string[] = [];
    const consoleWarn = console.warn;
    // Without an engine (as under mocks) the SDK's log.warn writes to console.warn.
    console.warn = (message: string) => { warnings.push(message); };
    try {
        const run = await runStackProgram(config, provider, [], stackName);
        return { run, outputs: unwrapSecrets(run.componentOutputs.get(stackUrn(run))), warnings };
    } finally {
        console.warn = consoleWarn;
    }
}

describe("the Pulumi program with the dev stack (Pulumi.dev.yaml)", () => {
    let stack: StackRun;

    before(async () => {
        stack = await runStack(stackConfig());
    });

    it("declares exactly the walkthrough's objects", () => {
        assert.deepStrictEqual(stack.run.kubernetesObjects(), [
            "ConfigMap mesh-external/nginx-configmap",
            "Deployment mesh-external/my-nginx",
            "DestinationRule istio-system/egressgateway-for-nginx",
            "DestinationRule istio-system/originate-tls-for-nginx",
            "Gateway default/istio-egressgateway",
            "Namespace mesh-external",
            "Secret istio-system/client-credential-cacert",
            "Secret mesh-external/nginx-ca-certs",
            "Secret mesh-external/nginx-server-certs",
            "Service mesh-external/my-nginx",
            "VirtualService default/direct-nginx-through-egress-gateway",
        ]);
    });

    it("gives the server a TLS Secret and its CA a Secret of its own", () => {
        const serverCerts = stack.run.object("Secret", "mesh-external", "nginx-server-certs").inputs;
        assert.strictEqual(serverCerts.type, "kubernetes.io/tls");
        assert.deepStrictEqual(Object.keys(serverCerts.stringData).sort(), ["tls.crt", "tls.key"]);
        const caCerts = stack.run.object("Secret", "mesh-external", "nginx-ca-certs").inputs;
        assert.match(caCerts.stringData["ca.crt"], /BEGIN CERTIFICATE/);
    });

    it("serves nginx on Service port 443", () => {
        const service = stack.run.object("Service", "mesh-external", "my-nginx").inputs;
        assert.deepStrictEqual(service.spec.ports.map((p: { port: number }) => p.port), [443]);
        const deployment = stack.run.object("Deployment", "mesh-external", "my-nginx").inputs;
        assert.deepStrictEqual(deployment.spec.selector.matchLabels, service.spec.selector);
    });

    it("gives the gateway the CA alone as client-credential-cacert in istio-system", () => {
        const credential = stack.run.object("Secret", "istio-system", "client-credential-cacert").inputs;
        assert.deepStrictEqual(Object.keys(credential.stringData), ["ca.crt"]);
        const ca = stack.run.ofType(CA_CERT_TYPE);
        assert.strictEqual(ca.length, 1);
        assert.strictEqual(credential.stringData["ca.crt"], ca[0].outputs.certPem);
    });

    it("routes mesh traffic through the gateway's nginx subset and originates SIMPLE TLS with the credential", () => {
        const gateway = stack.run.object("Gateway", "default", "istio-egressgateway").inputs;
        assert.deepStrictEqual(gateway.spec.servers[0].hosts, [HOST]);
        const subset = stack.run.object("DestinationRule", "istio-system", "egressgateway-for-nginx").inputs;
        assert.strictEqual(subset.spec.host, "istio-egressgateway.istio-system.svc.cluster.local");
        assert.deepStrictEqual(subset.spec.subsets.map((s: { name: string }) => s.name), ["nginx"]);
        const route = stack.run.object("VirtualService", "default", "direct-nginx-through-egress-gateway").inputs;
        assert.deepStrictEqual(route.spec.hosts, [HOST]);
        assert.deepStrictEqual(route.spec.gateways, ["istio-egressgateway", "mesh"]);
        const origination = stack.run.object("DestinationRule", "istio-system", "originate-tls-for-nginx").inputs;
        assert.strictEqual(origination.spec.host, HOST);
        assert.deepStrictEqual(origination.spec.trafficPolicy.portLevelSettings, [{
            port: { number: 443 },
            tls: { mode: "SIMPLE", credentialName: "client-credential", sni: HOST, subjectAltNames: ["my-nginx.mesh-external.svc.cluster.local"] },
        }]);
    });

    it("exports the CA certificate, the credential Secret and the check commands", () => {
        const ca = stack.run.ofType(CA_CERT_TYPE)[0].outputs.certPem;
        assert.deepStrictEqual(stack.outputs.caCertificates, { nginx: ca });
        assert.deepStrictEqual(stack.outputs.clientCaCertificates, {}, "a SIMPLE destination has no client certificate");
        assert.deepStrictEqual(stack.outputs.credentialSecrets, { nginx: "istio-system/client-credential-cacert" });
        const { nginx } = stack.outputs.checkCommands;
        assert.match(nginx.request, new RegExp(`curl .*http://${HOST}`));
        assert.match(nginx.gatewayLog, /-l istio=egressgateway -n istio-system/);
        assert.ok(nginx.gatewayLog.includes(HOST));
    });

    it("exports no private key", () => {
        assert.deepStrictEqual(Object.keys(stack.outputs).sort(), ["caCertificates", "certificates", "checkCommands", "clientCaCertificates", "credentialSecrets"]);
        assert.doesNotMatch(JSON.stringify(stack.outputs), /PRIVATE KEY/);
    });

    it("applies to the cluster: no provider of its own, no warning", () => {
        assert.deepStrictEqual(stack.run.ofType("pulumi:providers:kubernetes"), []);
        assert.deepStrictEqual(stack.warnings, []);
    });
});

describe("the Pulumi program's stack config", () => {
    it("refuses an unknown egress-tls: key by name", async () => {
        await assert.rejects(runStack({ ...stackConfig(), "egress-tls:destination": "[]" }, cheapProviders), (error: Error) => {
            assert.ok(error instanceof ConfigError, String(error));
            assert.strictEqual(error.field, "destination");
            assert.match(error.message, /unknown stack config key "egress-tls:destination"/);
            return true;
        });
    });

    it("leaves other namespaces' keys, such as kubernetes:context, to their owners", async () => {
        const { run } = await runStack({ ...stackConfig(), "kubernetes:context": "kind-egress-tls" }, cheapProviders);
        assert.strictEqual(run.kubernetesObjects().length, 11);
    });
});

describe("the Pulumi program in a render stack (named render or render-*)", () => {
    const DIRECTORY = "rendered-manifests";
    let stack: StackRun;

    before(async () => {
        stack = await runStack({ ...stackConfig(), "egress-tls:renderYamlTo": DIRECTORY }, cheapProviders, "render-dev");
    });

    it("declares Kubernetes providers that write every file on every run, Namespaces into a folder that sorts first", () => {
        const providers = stack.run.ofType("pulumi:providers:kubernetes").map((p) => [p.inputs.renderYamlToDirectory, p.inputs.alwaysRender]);
        assert.deepStrictEqual(providers.sort(), [[`${DIRECTORY}/0-namespaces`, "true"], [`${DIRECTORY}/1-objects`, "true"]]);
    });

    it("declares every Kubernetes object through them, Namespaces through the first", () => {
        const folderOf = new Map(stack.run.ofType("pulumi:providers:kubernetes").map((p) => [p.urn, p.inputs.renderYamlToDirectory]));
        const objects = stack.run.registrations.filter((r) => r.type.startsWith("kubernetes:"));
        assert.strictEqual(objects.length, 11);
        for (const object of objects) {
            const folder = folderOf.get(object.provider.split("::").slice(0, -1).join("::"));
            assert.strictEqual(folder, `${DIRECTORY}/${object.inputs.kind === "Namespace" ? "0-namespaces" : "1-objects"}`, `${object.type} ${object.name}`);
        }
    });

    it("renders to rendered/ unless renderYamlTo names another folder", async () => {
        const { run } = await runStack(stackConfig(), cheapProviders, "render");
        assert.deepStrictEqual(run.ofType("pulumi:providers:kubernetes").map((p) => p.inputs.renderYamlToDirectory).sort(), ["rendered/0-namespaces", "rendered/1-objects"]);
    });

    it("warns that Secrets, private keys included, land in the folder in plain text", () => {
        assert.strictEqual(stack.warnings.length, 1, stack.warnings.join("\n"));
        assert.match(stack.warnings[0], new RegExp(`${DIRECTORY}.*plain text`));
    });

    for (const [field, value, reason] of [
        ["gateway", { namespace: "egress-gateway", name: "egress-gateway", deploy: true }, /Helm release/],
        ["verify", true, /pod template is immutable/],
    ] as const) {
        it(`refuses ${field} ${JSON.stringify(value)}, which cannot be rendered and re-applied`, async () => {
            const config = { ...stackConfig(), [`egress-tls:${field}`]: JSON.stringify(value) };
            await assert.rejects(runStack(config, cheapProviders, "render"), (error: Error) => {
                assert.ok(error instanceof ConfigError, String(error));
                assert.match(error.field, new RegExp(`^${field}`));
                assert.match(error.message, reason);
                return true;
            });
        });
    }
});

describe("the Pulumi program in an apply stack (any other name)", () => {
    for (const [key, value] of [["egress-tls:renderYamlTo", "out"], ["kubernetes:renderYamlToDirectory", "out"]]) {
        it(`refuses ${key}: config alone never moves a deployed stack's objects to a rendering provider`, async () => {
            await assert.rejects(runStack({ ...stackConfig(), [key]: value }, cheapProviders), (error: Error) => {
                assert.ok(error instanceof ConfigError, String(error));
                assert.strictEqual(error.field, key.startsWith("egress-tls:") ? "renderYamlTo" : key);
                assert.match(error.message, /deletes them from the cluster/);
                return true;
            });
        });
    }

    for (const key of ["kubernetes:enableSecretMutable", "kubernetes:enableConfigMapMutable"]) {
        it(`refuses a stack without ${key}, whose renewals would delete the credential Secrets first`, async () => {
            const config = { ...stackConfig() };
            delete config[key];
            await assert.rejects(runStack(config, cheapProviders), (error: Error) => error instanceof ConfigError && error.field === key && /deletes the credential/.test(error.message));
        });
    }
});
