import * as assert from "assert";
import { ChildProcess, spawn } from "child_process";
import { mkdtempSync, readFileSync, rmSync } from "fs";
import { tmpdir } from "os";
import * as path from "path";
import { ComponentProvider, getPulumiComponents } from "@pulumi/pulumi/provider/experimental";
import * as components from "../components";
import { cheapProviders } from "./support/cheapProviders";
import { buildPackage } from "./support/commands";
import { REPO_ROOT } from "./support/repoPaths";
import { runProgram } from "./support/harness";
import { devStackArgs, runComponent } from "./support/scenarios";

const TOKEN = "egress-tls:index:EgressTlsOrigination";
const PACKAGE_NAME: string = JSON.parse(readFileSync(path.join(REPO_ROOT, "package.json"), "utf8")).name;
const SDK_DIR = path.dirname(require.resolve("@pulumi/pulumi"));

const ref = (type: string) => ({ $ref: `#/types/egress-tls:index:${type}` });
const STRING = { type: "string" };
const NUMBER = { type: "number" };
const BOOLEAN = { type: "boolean" };
const arrayOf = (items: object) => ({ type: "array", items });
const mapOf = (additionalProperties: object) => ({ type: "object", additionalProperties });

/** A property's type, without its description, optional and plain flags. */
function shape(property: any): any {
    if (typeof property !== "object" || property === null) return property;
    const { description: _description, optional: _optional, plain: _plain, ...rest } = property;
    return Object.fromEntries(Object.entries(rest).map(([key, value]) => [key, shape(value)]));
}

function shapes(properties: { [name: string]: unknown }): { [name: string]: unknown } {
    return Object.fromEntries(Object.entries(properties).map(([name, property]) => [name, shape(property)]));
}

/** The names of the object types that `properties` refer to, directly or through other types. */
function referencedTypes(properties: object, types: { [token: string]: any }, found: string[] = []): string[] {
    for (const name of JSON.stringify(properties).match(/(?<=#\/types\/egress-tls:index:)\w+/g) ?? []) {
        if (!found.includes(name)) {
            found.push(name);
            referencedTypes(types[`egress-tls:index:${name}`].properties, types, found);
        }
    }
    return found;
}

/**
 * Starts the plugin as the nodejs language host's RunPlugin does for `pulumi package add`: `node
 * @pulumi/pulumi/cmd/run-plugin <plugin directory>`, from the consumer's directory. Resolves once it prints its port.
 */
function startPlugin(cwd: string): Promise<{ plugin: ChildProcess; port: number }> {
    const plugin = spawn(process.execPath, [path.join(SDK_DIR, "cmd", "run-plugin"), REPO_ROOT], { cwd, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    return new Promise((resolve, reject) => {
        plugin.stdout!.on("data", (chunk) => {
            stdout += chunk;
            const port = stdout.match(/^(\d+)\n/);
            if (port) resolve({ plugin, port: Number(port[1]) });
        });
        plugin.stderr!.on("data", (chunk) => { stderr += chunk; });
        plugin.on("exit", (code) => reject(new Error(`the plugin exited (${code}) before serving:\n${stdout}\n${stderr}`)));
    });
}

/** The engine's GetSchema call, over the SDK's own gRPC client. */
function getSchema(port: number): Promise<any> {
    const grpc = require(require.resolve("@grpc/grpc-js", { paths: [SDK_DIR] }));
    const { ResourceProviderClient } = require("@pulumi/pulumi/proto/provider_grpc_pb");
    const { GetSchemaRequest } = require("@pulumi/pulumi/proto/provider_pb");
    const client = new ResourceProviderClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
    return new Promise((resolve, reject) => client.getSchema(new GetSchemaRequest(), (error: Error | null, response: any) => {
        client.close();
        if (error) reject(error);
        else resolve(JSON.parse(response.getSchema()));
    }));
}

/**
 * What `pulumi package add` reads: the provider that @pulumi/pulumi's run-plugin starts for this directory (named after
 * package.json, hosting the components the package exports), with its schema inferred from the TypeScript sources.
 */
describe("the multi-language component schema (PulumiPlugin.yaml, inferred by @pulumi/pulumi's analyzer)", () => {
    let provider: ComponentProvider;
    let schema: any;

    before(async () => {
        provider = new ComponentProvider({ name: PACKAGE_NAME, dirname: REPO_ROOT, components: getPulumiComponents(components) });
        schema = JSON.parse(await provider.getSchema());
    });

    it("hosts exactly one component, EgressTlsOrigination, under the package's name", () => {
        assert.deepStrictEqual(getPulumiComponents(components), [components.EgressTlsOrigination]);
        assert.strictEqual(schema.name, PACKAGE_NAME);
        assert.deepStrictEqual(Object.keys(schema.resources), [TOKEN]);
        assert.strictEqual(schema.resources[TOKEN].isComponent, true);
    });

    it("takes the args of components/args.ts as inputs, destinations alone required", () => {
        const resource = schema.resources[TOKEN];
        assert.deepStrictEqual(shapes(resource.inputProperties), {
            destinations: arrayOf(ref("Destination")),
            gateway: ref("EgressGateway"),
            routingNamespace: STRING,
            istioApiVersion: STRING,
            ca: ref("CertificateAuthority"),
            lockdown: ref("EgressLockdown"),
            verify: BOOLEAN,
            verifyNamespace: STRING,
            trustDomain: STRING,
            namePrefix: STRING,
        });
        assert.deepStrictEqual(resource.requiredInputs, ["destinations"]);
    });

    it("takes every input as a plain value, since the component validates its args as it is constructed", () => {
        const notPlain = Object.entries(schema.resources[TOKEN].inputProperties).filter(([, property]: [string, any]) => !property.plain);
        assert.deepStrictEqual(notPlain, []);
    });

    it("describes the nested arg types field by field, with their required fields", () => {
        const types = Object.fromEntries(Object.entries(schema.types).map(([token, type]: [string, any]) =>
            [token.replace("egress-tls:index:", ""), { properties: shapes(type.properties), required: type.required }]));
        assert.deepStrictEqual(types, {
            Destination: {
                properties: {
                    name: STRING, host: STRING, port: NUMBER, mode: STRING, credentialName: STRING, caCertPem: STRING,
                    server: ref("TlsServer"), subjectAltNames: arrayOf(STRING), allowedFrom: arrayOf(ref("AllowedCaller")),
                },
                required: ["host", "name"],
            },
            AllowedCaller: { properties: { namespace: STRING, serviceAccount: STRING }, required: ["namespace"] },
            TlsServer: { properties: { namespace: STRING, name: STRING, image: STRING }, required: ["name", "namespace"] },
            EgressGateway: {
                properties: { type: STRING, namespace: STRING, name: STRING, selector: mapOf(STRING), deploy: BOOLEAN, chartVersion: STRING },
                required: [],
            },
            CertificateAuthority: {
                properties: {
                    organization: STRING, commonName: STRING, algorithm: STRING, rsaBits: NUMBER, ecdsaCurve: STRING,
                    validityHours: NUMBER, earlyRenewalHours: NUMBER, generations: arrayOf(STRING), issuer: STRING,
                },
                required: [],
            },
            EgressLockdown: { properties: { namespaces: arrayOf(STRING), controlPlaneNamespace: STRING }, required: ["namespaces"] },
            CheckCommands: {
                properties: { request: STRING, gatewayLog: STRING, refusedRequest: STRING, credential: STRING },
                required: ["credential", "gatewayLog", "request"],
            },
            CertificateSummary: {
                properties: { subject: STRING, sha256Fingerprint: STRING, notBefore: STRING, notAfter: STRING },
                required: ["notAfter", "notBefore", "sha256Fingerprint", "subject"],
            },
        });
    });

    it("outputs the CA certificates, credential Secrets, check commands and certificate summaries per destination", () => {
        const resource = schema.resources[TOKEN];
        assert.deepStrictEqual(shapes(resource.properties), {
            caCertificates: mapOf(STRING),
            clientCaCertificates: mapOf(STRING),
            credentialSecrets: mapOf(STRING),
            checkCommands: mapOf(ref("CheckCommands")),
            certificates: mapOf(mapOf(ref("CertificateSummary"))),
        });
        assert.deepStrictEqual(resource.required, ["caCertificates", "certificates", "checkCommands", "clientCaCertificates", "credentialSecrets"]);
    });

    it("carries the doc comment of every input, output and arg field into the schema, for the generated SDKs", () => {
        const resource = schema.resources[TOKEN];
        const undocumented = (properties: object, owner: string) =>
            Object.entries(properties).filter(([, property]) => !property.description).map(([name]) => `${owner}.${name}`);
        const argTypes = referencedTypes(resource.inputProperties, schema.types);
        assert.deepStrictEqual(argTypes.sort(), ["AllowedCaller", "CertificateAuthority", "Destination", "EgressGateway", "EgressLockdown", "TlsServer"]);
        assert.deepStrictEqual([
            ...undocumented(resource.inputProperties, "inputs"),
            ...undocumented(resource.properties, "outputs"),
            ...argTypes.flatMap((type) => undocumented(schema.types[`egress-tls:index:${type}`].properties, type)),
        ], []);
        assert.ok(resource.description.includes("TLS origination"), resource.description);
    });

    it("constructs, from a construct request's plain inputs, the same resources as the TypeScript component", async () => {
        let state: { [output: string]: unknown } = {};
        const viaProvider = await runProgram(async () => {
            state = (await provider.construct("egress-tls", TOKEN, devStackArgs(), {})).state;
        }, cheapProviders);
        const direct = await runComponent(devStackArgs(), cheapProviders);
        const urns = (run: typeof direct) => run.registrations.map((r) => r.urn).sort();
        assert.deepStrictEqual(urns(viaProvider), urns(direct));
        assert.ok(urns(viaProvider).some((urn) => urn.endsWith(`::${TOKEN}::egress-tls`)));
        assert.deepStrictEqual(Object.keys(state).sort(), Object.keys(schema.resources[TOKEN].properties).sort());
    });

    describe("served by the plugin that `pulumi package add` starts", () => {
        let workDir: string;
        let plugin: ChildProcess | undefined;
        let port: number;

        before(async function () {
            this.timeout(300_000);
            buildPackage();
            workDir = mkdtempSync(path.join(tmpdir(), "egress-tls-consumer-"));
            ({ plugin, port } = await startPlugin(workDir));
        });

        after(() => {
            plugin?.kill();
            if (workDir) rmSync(workDir, { recursive: true, force: true });
        });

        it("loads the built component (package.json main), not the stack program index.ts", () => {
            // run-plugin require()s the plugin directory; without a main that resolves, ts-node would hand it index.ts.
            assert.strictEqual(require.resolve(REPO_ROOT), path.join(REPO_ROOT, "dist", "index.js"));
        });

        it("answers the engine's GetSchema with that schema", async () => {
            assert.deepStrictEqual(await getSchema(port), schema);
        });
    });
});
