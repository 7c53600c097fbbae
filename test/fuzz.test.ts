import * as assert from "assert";
import fc from "fast-check";
import { ConfigError, EgressTlsOrigination } from "../components";
import { acceptedComponentSchema } from "./support/acceptedConfig";
import { cheapProviders } from "./support/cheapProviders";
import { mostlyValidConfig } from "./support/configArbitraries";
import { fieldBelongsTo, Schema } from "./support/configPaths";
import { ProgramRun, Registration, runProgram } from "./support/harness";
import { kubernetesObjectProblems } from "./support/objectValidity";
import { everyKindOfDestinationArgs, runComponent } from "./support/scenarios";

/** Same cases on every run; set FUZZ_SEED (and FUZZ_RUNS) to explore others. A failure prints the seed to replay. */
const SEED = Number(process.env.FUZZ_SEED ?? 20251126);
const RUNS = Number(process.env.FUZZ_RUNS ?? 200);
/**
 * The args' fields by place: a ConfigError may name one the input leaves out, when it is required or when its default
 * is what clashes (a default credentialName taken by another destination). Learnt by probing the validation, as the
 * configuration reference's check does, so no hand list falls behind the args.
 */
let argsSchema: Schema | undefined;
const schema = (): Schema => (argsSchema ??= acceptedComponentSchema());
/** Below this share of either outcome the generator would hardly be testing one of them. */
const MIN_SHARE = 0.15;

/**
 * ts-node maps every stack trace through source maps, and the Pulumi SDK takes several per resource: plain V8 traces
 * make a mocked run about three times faster. Messages and fast-check's counterexample are unaffected.
 */
async function withPlainStackTraces<T>(body: () => Promise<T>): Promise<T> {
    const errors: { prepareStackTrace?: unknown } = Error;
    const mapped = errors.prepareStackTrace;
    errors.prepareStackTrace = undefined;
    try {
        return await body();
    } finally {
        errors.prepareStackTrace = mapped;
    }
}

describe("fuzzing the component's input", () => {
    it("accepts a config and makes valid objects, or refuses it with a ConfigError naming one of its fields and registers nothing", async () => {
        const tally = { accepted: 0, refused: 0 };
        const property = fc.asyncProperty(mostlyValidConfig(), async (args) => {
            let refusal: unknown;
            const run = await runProgram(() => {
                try {
                    new EgressTlsOrigination("fuzz", args);
                } catch (error) {
                    refusal = error;
                }
            }, cheapProviders);
            if (refusal === undefined) {
                tally.accepted++;
                // Where the gateway's pods run, by type when not given: istio-system for istio, istio-egress for the others.
                const defaultNamespace = (args.gateway?.type ?? "istio") === "istio" ? "istio-system" : "istio-egress";
                const gatewayNamespace = args.gateway?.namespace ?? defaultNamespace;
                assert.deepStrictEqual(kubernetesObjectProblems(run.registrations, gatewayNamespace), []);
            } else {
                tally.refused++;
                assert.ok(refusal instanceof ConfigError, `refused with something other than a ConfigError: ${refusal}`);
                assert.ok(fieldBelongsTo(args, refusal.field, schema()), `"${refusal.message}" names a field that is neither in the input nor in its schema`);
                assert.deepStrictEqual(run.registrations.map((r) => r.name), [], "registered resources before refusing");
            }
        });
        try {
            await withPlainStackTraces(() => fc.assert(property, { seed: SEED, numRuns: RUNS }));
        } finally {
            console.log(`      fuzz: seed ${SEED}, ${tally.accepted + tally.refused} cases tried: ${tally.accepted} accepted, ${tally.refused} refused`);
        }
        for (const [outcome, count] of Object.entries(tally)) {
            assert.ok(count >= RUNS * MIN_SHARE, `only ${count} of ${RUNS} configs were ${outcome}`);
        }
    });
});

describe("the fuzz oracle", () => {
    describe("fieldBelongsTo", () => {
        const input = { destinations: [{ name: "a", server: { name: "s" } }], gateway: { selector: { "app.kubernetes.io/name": "gw" } } };
        const cases: [string, boolean][] = [
            ["", true],
            ["destinations[0].server.name", true],
            ["gateway.selector.app.kubernetes.io/name", true],
            ["destinations[0].host", true],
            ["destinations[0].server.namespace", true],
            ["lockdown", true],
            ["destinations[1].name", false],
            ["destinations[0].bogus", false],
            ["ca.rotation", false],
            ["destinations.name", false],
        ];
        for (const [field, expected] of cases) {
            it(`${expected ? "accepts" : "refuses"} "${field}"`, () => assert.strictEqual(fieldBelongsTo(input, field, schema()), expected));
        }
    });

    describe("kubernetesObjectProblems", () => {
        let run: ProgramRun;
        const gatewayNamespace = "istio-system";
        before(async () => {
            run = await runComponent(everyKindOfDestinationArgs(), cheapProviders);
        });
        /** The run's registrations with the first one `pick` selects changed by `change` (or dropped, if it returns undefined). */
        const altered = (pick: (r: Registration) => boolean, change: (inputs: any) => any): Registration[] => {
            const index = run.registrations.findIndex(pick);
            assert.ok(index >= 0, "nothing to alter");
            const inputs = change(structuredClone(run.registrations[index].inputs));
            const rest = run.registrations.filter((_, i) => i !== index);
            return inputs === undefined ? rest : [...rest, { ...run.registrations[index], inputs }];
        };
        const ofKind = (kind: string, name?: string) => (r: Registration) => r.inputs.kind === kind && (name === undefined || r.inputs.metadata.name === name);

        it("finds nothing wrong with the component's objects", () => {
            assert.deepStrictEqual(kubernetesObjectProblems(run.registrations, gatewayNamespace), []);
        });

        const broken: [string, () => Registration[], string][] = [
            ["a Service named with a leading digit", () => altered(ofKind("Service"), (i) => ({ ...i, metadata: { ...i.metadata, name: "9lives" } })), "DNS-1035"],
            ["a Secret named in capitals", () => altered(ofKind("Secret"), (i) => ({ ...i, metadata: { ...i.metadata, name: "Server-Certs" } })), "subdomain"],
            ["a label value too long", () => altered(ofKind("ConfigMap"), (i) => ({ ...i, metadata: { ...i.metadata, labels: { run: "x".repeat(64) } } })), "label value"],
            ["the same object twice", () => [...run.registrations, run.registrations.find(ofKind("Deployment"))!], "declared twice"],
            ["a route to a missing subset", () => altered((r) => r.inputs.kind === "DestinationRule" && r.inputs.spec.subsets !== undefined, (i) => ({ ...i, spec: { ...i.spec, subsets: [] } })), "no DestinationRule has subset"],
            ["a credentialName without its Secret", () => altered(ofKind("Secret", "client-credential-cacert"), () => undefined), "no Secret"],
            ["a MUTUAL credential without its client key", () => altered(ofKind("Secret", "client-credential-billing"), (i) => ({ ...i, stringData: { "ca.crt": "x" } })), "lacks tls.key"],
        ];
        for (const [what, registrations, problem] of broken) {
            it(`finds ${what}`, () => {
                const problems = kubernetesObjectProblems(registrations(), gatewayNamespace);
                assert.ok(problems.some((p) => p.includes(problem)), `expected "${problem}" among ${JSON.stringify(problems)}`);
            });
        }
    });
});
