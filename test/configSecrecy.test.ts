import * as assert from "assert";
import * as pulumi from "@pulumi/pulumi";
import { readStackConfig } from "../components/stackConfig";
import { isSecret, ProgramRun, Registration } from "./support/harness";
import { COMPONENT, devStackArgs, ecdsaCaArgs } from "./support/scenarios";
import { runStackProgram, stackConfigOf, stackUrn } from "./support/stackProgram";
import { SimulatedProviders } from "./support/tlsProvider";

/** The resources whose inputs come from the component's keys: everything but the Stack and providers. */
function derivedResources(run: ProgramRun): Registration[] {
    return run.registrations.filter((r) => r.type !== "pulumi:pulumi:Stack" && !r.type.startsWith("pulumi:providers:"));
}

/** Top-level inputs that travel in the clear. */
function plainInputs(registration: Registration): string[] {
    return Object.entries(registration.rawInputs).filter(([, value]) => !isSecret(value)).map(([key]) => key);
}

describe("stack config secrecy", () => {
    const config = stackConfigOf(COMPONENT, { ...devStackArgs(), ca: ecdsaCaArgs() });

    it("reads the secret flag the SDK keeps beside allConfig()", () => {
        try {
            pulumi.runtime.setAllConfig(config, ["egress-tls:ca"]);
            assert.deepStrictEqual(readStackConfig(COMPONENT).secretKeys, ["egress-tls:ca"]);
            pulumi.runtime.setAllConfig(config, []);
            assert.deepStrictEqual(readStackConfig(COMPONENT).secretKeys, []);
        } finally {
            pulumi.runtime.setAllConfig({});
        }
    });

    it("keeps every input derived from a secret key secret, and every export", async () => {
        const run = await runStackProgram(config, new SimulatedProviders().provider, ["egress-tls:destinations"]);
        const resources = derivedResources(run);
        assert.ok(resources.length > 10, `${resources.length} resources`);
        const inTheClear = resources.flatMap((r) => plainInputs(r).map((key) => `${r.type} ${r.name}: ${key}`));
        assert.deepStrictEqual(inTheClear, []);
        const exports = run.componentOutputs.get(stackUrn(run));
        assert.deepStrictEqual(Object.keys(exports).filter((key) => !isSecret(exports[key])), []);
    });

    it("leaves a stack without secret keys in the clear: the marking above is the secret flag's doing", async () => {
        const run = await runStackProgram(config, new SimulatedProviders().provider);
        const namespaces = derivedResources(run).filter((r) => r.inputs.kind === "Namespace");
        assert.ok(namespaces.length > 0 && namespaces.every((r) => plainInputs(r).includes("metadata")));
        const exports = run.componentOutputs.get(stackUrn(run));
        assert.ok(!isSecret(exports.credentialSecrets));
    });
});
