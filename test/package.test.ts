import * as assert from "assert";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import * as path from "path";
import { EgressTlsOriginationArgs } from "../components";
import { cheapProviders } from "./support/cheapProviders";
import { buildPackage, run } from "./support/commands";
import { REPO_ROOT } from "./support/repoPaths";
import { TYPES } from "./support/fixtures";
import { ProgramRun, unwrapSecrets } from "./support/harness";
import { stackStartup } from "./support/pulumiProject";
import { COMPONENT, devStackArgs, runComponent } from "./support/scenarios";

const PACKAGE = JSON.parse(readFileSync(path.join(REPO_ROOT, "package.json"), "utf8"));
const TSC = path.join(REPO_ROOT, "node_modules", "typescript", "bin", "tsc");
/** The outputs a consumer reads; compared with what the source component outputs. */
const CONSUMER_OUTPUTS = ["caCertificates", "credentialSecrets", "checkCommands"];

/** Every installed copy of `name` under `root`'s node_modules, nested ones included. */
function installedCopies(root: string, name: string): string[] {
    const modules = path.join(root, "node_modules");
    if (!existsSync(modules)) return [];
    const packages = readdirSync(modules).flatMap((entry) =>
        entry.startsWith("@") ? readdirSync(path.join(modules, entry)).map((scoped) => `${entry}/${scoped}`) : [entry]);
    return packages.flatMap((pkg) => [
        ...(pkg === name ? [path.join(modules, pkg)] : []),
        ...installedCopies(path.join(modules, pkg), name),
    ]);
}

/**
 * A TypeScript Pulumi project as `pulumi new typescript` makes it (its tsconfig, without skipLibCheck), whose program
 * constructs the component from the installed package under the SDK's mocks and prints what registered. Mock outputs
 * are looked up by `type::name`, so the run can be compared with the source component's.
 */
function consumerProgram(args: EgressTlsOriginationArgs, mockOutputs: { [resource: string]: object }): string {
    return `import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import { EgressTlsOrigination, EgressTlsOriginationArgs } from "egress-tls";

const args: EgressTlsOriginationArgs = ${JSON.stringify(args)};
const mockOutputs: { [resource: string]: object } = ${JSON.stringify(mockOutputs)};
const registered: [string, string, unknown][] = [];
const outputs: { [name: string]: unknown } = {};

pulumi.runtime.setMocks({
    newResource: (resource) => {
        registered.push([resource.type, resource.name, resource.inputs]);
        return { id: resource.name + "-id", state: { ...resource.inputs, ...mockOutputs[resource.type + "::" + resource.name] } };
    },
    call: (call) => call.inputs,
}, "egress-tls", "dev", false).then(() => {
    const egress = new EgressTlsOrigination(${JSON.stringify(COMPONENT)}, args);
${CONSUMER_OUTPUTS.map((name) => `    egress.${name}.apply((value) => { outputs.${name} = value; });`).join("\n")}
});

// The event loop empties only once every registration has completed.
process.once("beforeExit", () => console.log(JSON.stringify({
    sdk: require.resolve("@pulumi/pulumi"),
    sdkOfPackage: require.resolve("@pulumi/pulumi", { paths: [path.dirname(require.resolve("egress-tls"))] }),
    registered,
    outputs,
})));
`;
}

/** Pulumi's TypeScript template's compiler options. */
const TEMPLATE_COMPILER_OPTIONS = {
    strict: true, outDir: "bin", target: "es2020", module: "commonjs", moduleResolution: "node", sourceMap: true,
    experimentalDecorators: true, pretty: true, noFallthroughCasesInSwitch: true, noImplicitReturns: true,
    forceConsistentCasingInFileNames: true,
};

const registrationKeys = (registered: [string, string, unknown][]) => registered.map((entry) => JSON.stringify(entry)).sort();

describe("the npm package (npm run build, npm pack) in a TypeScript Pulumi project", () => {
    let workDir: string;
    let consumerDir: string;
    let packedFiles: string[];
    let source: ProgramRun;
    let consumer: { sdk: string; sdkOfPackage: string; registered: [string, string, unknown][]; outputs: { [name: string]: unknown } };

    before(async function () {
        this.timeout(600_000);
        workDir = mkdtempSync(path.join(tmpdir(), "egress-tls-package-"));
        consumerDir = path.join(workDir, "consumer");
        mkdirSync(consumerDir);

        buildPackage();
        const [packed] = JSON.parse(run("npm", ["pack", "--ignore-scripts", "--json", "--pack-destination", workDir], REPO_ROOT));
        packedFiles = packed.files.map((file: { path: string }) => file.path);

        source = await runComponent(devStackArgs(), cheapProviders);
        const mockOutputs: { [resource: string]: object } = {};
        for (const r of source.registrations) {
            mockOutputs[`${r.type}::${r.name}`] = await cheapProviders(r.type, r.name, r.inputs, r.replacementTrigger) ?? {};
        }

        writeFileSync(path.join(consumerDir, "package.json"), JSON.stringify({
            name: "consumer",
            private: true,
            dependencies: {
                "egress-tls": `file:${path.join(workDir, packed.filename)}`,
                "@pulumi/pulumi": PACKAGE.dependencies["@pulumi/pulumi"],
                "@types/node": PACKAGE.devDependencies["@types/node"],
            },
        }));
        writeFileSync(path.join(consumerDir, "index.ts"), consumerProgram(devStackArgs(), mockOutputs));
        writeFileSync(path.join(consumerDir, "tsconfig.json"), JSON.stringify({ compilerOptions: TEMPLATE_COMPILER_OPTIONS, files: ["index.ts"] }));

        const cache = run("npm", ["config", "get", "cache"], REPO_ROOT).trim();
        run("npm", ["install", "--prefer-offline", "--no-audit", "--no-fund", "--ignore-scripts", "--cache", cache], consumerDir);
        // Emitted without checking here; the type-check is a test of its own.
        run(process.execPath, [TSC, "-p", consumerDir, "--noCheck"], consumerDir);
        consumer = JSON.parse(run(process.execPath, [path.join(consumerDir, "bin", "index.js")], consumerDir));
    });

    after(() => {
        if (workDir) rmSync(workDir, { recursive: true, force: true });
    });

    it("ships the built JavaScript and declarations, and no sources, tests or stack files", () => {
        const unexpected = packedFiles.filter((file) => !/^dist\/.+(\.js|\.d\.ts)$/.test(file) && !/^(package\.json|README\.md|LICENSE)$/.test(file));
        assert.deepStrictEqual(unexpected, []);
        const js = packedFiles.filter((file) => file.endsWith(".js"));
        assert.ok(js.includes("dist/index.js"), packedFiles.join(", "));
        assert.deepStrictEqual(js.filter((file) => !packedFiles.includes(file.replace(/\.js$/, ".d.ts"))), []);
    });

    it("points main, types and exports at shipped files", () => {
        const entries = [PACKAGE.main, PACKAGE.types, PACKAGE.exports["."].types, PACKAGE.exports["."].default];
        assert.deepStrictEqual(entries.map((entry: string) => entry.replace(/^\.\//, "")).filter((entry) => !packedFiles.includes(entry)), []);
    });

    it("type-checks with the tsconfig of `pulumi new typescript`, which checks libraries (no skipLibCheck)", () => {
        run(process.execPath, [TSC, "-p", consumerDir, "--noEmit"], consumerDir);
    });

    it("declares types that compile for a node16 consumer, every shipped .d.ts included (Istio spec types too)", () => {
        const declarations = packedFiles.filter((file) => file.endsWith(".d.ts")).map((file) => path.join("node_modules", "egress-tls", file));
        const config = path.join(consumerDir, "tsconfig.node16.json");
        writeFileSync(config, JSON.stringify({
            compilerOptions: { strict: true, noEmit: true, target: "es2022", module: "node16", moduleResolution: "node16" },
            files: ["index.ts", ...declarations],
        }));
        run(process.execPath, [TSC, "-p", config], consumerDir);
    });

    it("installs a single @pulumi/pulumi, shared by the program and the package (mocks are per module instance)", () => {
        assert.deepStrictEqual(installedCopies(consumerDir, "@pulumi/pulumi"), [path.join(consumerDir, "node_modules", "@pulumi", "pulumi")]);
        assert.strictEqual(consumer.sdkOfPackage, consumer.sdk);
    });

    it("registers, from the package, exactly what the source component registers, inputs included", () => {
        const types = consumer.registered.map(([type]) => type);
        assert.ok(types.includes("egress-tls:index:EgressTlsOrigination"), types.join(", "));
        assert.ok(types.includes("kubernetes:networking.istio.io/v1:VirtualService"), types.join(", "));
        assert.deepStrictEqual(registrationKeys(consumer.registered), registrationKeys(source.registrations.map((r) => [r.type, r.name, r.rawInputs])));
    });

    it("resolves the same outputs as the source component", () => {
        const expected = unwrapSecrets(source.componentOutputs.get(source.get(TYPES.component, COMPONENT).urn));
        assert.deepStrictEqual(consumer.outputs, Object.fromEntries(CONSUMER_OUTPUTS.map((name) => [name, expected[name]])));
        assert.deepStrictEqual(consumer.outputs.credentialSecrets, { nginx: "istio-system/client-credential-cacert" });
    });
});

describe("the stack's start-up (Pulumi.yaml)", () => {
    it("`pulumi up` runs index.ts (Pulumi.yaml main), transpiled without type-checking", () => {
        const startup = stackStartup();
        assert.strictEqual(startup.main, "index.ts");
        assert.strictEqual(startup.typescript, false, "typescript: true would make the language host type-check at start-up");
        const dir = mkdtempSync(path.join(tmpdir(), "egress-tls-startup-"));
        try {
            const program = path.join(dir, "typeError.ts");
            writeFileSync(program, `const port: number = "443";\nconsole.log(port);\n`);
            assert.strictEqual(run(process.execPath, [...startup.nodeargs, program], REPO_ROOT).trim(), "443");
        } finally {
            rmSync(dir, { recursive: true, force: true });
        }
    });
});
