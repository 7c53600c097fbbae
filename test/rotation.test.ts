import * as assert from "assert";
import { CertificateAuthority } from "../components";
import { PARTNER, TYPES } from "./support/fixtures";
import { ProgramRun } from "./support/harness";
import { ecdsaCaArgs, everyKindOfDestinationArgs, runComponent } from "./support/scenarios";
import { SimulatedProviders } from "./support/tlsProvider";

const PRIVATE_KEY = TYPES.privateKey;
const CERTIFICATES: string[] = [TYPES.selfSignedCert, TYPES.locallySignedCert];
const ISSUED: string[] = [PRIVATE_KEY, TYPES.certRequest, ...CERTIFICATES];
const ROTATION = TYPES.randomId;
const CHECKSUM_ANNOTATION = "egress-tls.dev/config-checksum";

/** ECDSA keys, which take microseconds to make where RSA takes a good part of a second. */
const FAST_CA: CertificateAuthority = ecdsaCaArgs();

/**
 * Successive `pulumi up`s of one stack: one SimulatedProviders keeps every tls/random resource whose inputs and
 * replacement trigger are unchanged, and records what it had to create.
 */
class Stack {
    private readonly providers = new SimulatedProviders();

    async up(ca: CertificateAuthority = {}): Promise<{ run: ProgramRun; created: string[] }> {
        const before = this.providers.created.length;
        const run = await runComponent(everyKindOfDestinationArgs({ ...FAST_CA, ...ca }), this.providers.provider);
        return { run, created: this.providers.created.slice(before) };
    }
}

function checksums(run: ProgramRun): Map<string, string> {
    return new Map(run.ofType(TYPES.deployment).map((d) => [d.name, d.inputs.spec.template.metadata.annotations[CHECKSUM_ANNOTATION]]));
}

/** `type::name` of every resource of `types` in the run, as SimulatedProviders records creations. */
function resourcesOf(run: ProgramRun, types: string[]): string[] {
    return run.registrations.filter((r) => types.includes(r.type)).map((r) => `${r.type}::${r.name}`).sort();
}

describe("rotation", () => {
    let stack: Stack;
    let first: ProgramRun;
    beforeEach(async () => {
        stack = new Stack();
        first = (await stack.up()).run;
    });

    it("an unchanged config changes nothing", async () => {
        const { run: second, created } = await stack.up();
        assert.deepStrictEqual(created, []);
        assert.deepStrictEqual(second.registrations.map((r) => r.urn).sort(), first.registrations.map((r) => r.urn).sort());
        for (const registration of second.registrations) {
            const previous = first.registrations.find((r) => r.urn === registration.urn)!;
            assert.deepStrictEqual(registration.rawInputs, previous.rawInputs, `${registration.name}'s inputs changed`);
            assert.deepStrictEqual(registration.replacementTrigger, previous.replacementTrigger, `${registration.name}'s replacement trigger changed`);
        }
        assert.strictEqual(checksums(first).size, 2);
        assert.deepStrictEqual(checksums(second), checksums(first));
    });

    for (const [what, change] of [["ca.rotation", { rotation: "2" }], ["ca.validityHours", { validityHours: 4380 }]] as [string, CertificateAuthority][]) {
        it(`changing ${what} re-issues every private key and certificate and rolls every server`, async () => {
            const { run: rotated, created } = await stack.up(change);
            const issued = resourcesOf(first, ISSUED);
            assert.ok(issued.length >= 10, `expected keys, requests and certificates, got ${issued.join(", ")}`);
            assert.deepStrictEqual(created.filter((key) => ISSUED.some((type) => key.startsWith(`${type}::`))).sort(), issued);
            assert.deepStrictEqual(created.filter((key) => key.startsWith(`${ROTATION}::`)).length, 1);
            for (const key of rotated.ofType(PRIVATE_KEY)) {
                const previous = first.get(PRIVATE_KEY, key.name);
                assert.notStrictEqual(key.outputs.privateKeyPem, previous.outputs.privateKeyPem, `${key.name} kept its key`);
            }
            for (const [deployment, checksum] of checksums(rotated)) {
                assert.notStrictEqual(checksum, checksums(first).get(deployment), `${deployment} would not roll`);
            }
        });
    }

    it("every private key carries the rotation trigger as its replacement trigger", async () => {
        const trigger = (run: ProgramRun) => {
            const rotations = run.ofType(ROTATION);
            assert.strictEqual(rotations.length, 1);
            return rotations[0].outputs.hex;
        };
        const { run: rotated } = await stack.up({ rotation: "2" });
        assert.notStrictEqual(trigger(rotated), trigger(first));
        for (const run of [first, rotated]) {
            assert.ok(run.ofType(PRIVATE_KEY).length > 0);
            for (const key of run.ofType(PRIVATE_KEY)) assert.strictEqual(key.replacementTrigger, trigger(run), `${key.name}'s replacement trigger`);
        }
    });

    it("every certificate renews early on `pulumi up --refresh`, within its validity", async () => {
        const { run: shortLived } = await stack.up({ validityHours: 10 });
        for (const run of [first, shortLived]) {
            const certificates = run.registrations.filter((r) => CERTIFICATES.includes(r.type));
            assert.ok(certificates.length >= 5);
            for (const { name, inputs } of certificates) {
                assert.ok(inputs.earlyRenewalHours > 0, `${name}: earlyRenewalHours ${inputs.earlyRenewalHours}`);
                assert.ok(inputs.earlyRenewalHours < inputs.validityPeriodHours, `${name}: renews ${inputs.earlyRenewalHours}h early of ${inputs.validityPeriodHours}h`);
            }
        }
    });
});

// Same suite title, kept apart from the one above so that this test pays for none of its beforeEach `up()`s.
describe("rotation", () => {
    it("a stack that signs nothing (outside SIMPLE hosts only) has no rotation trigger and no key", async () => {
        const run = await runComponent({ destinations: [PARTNER] }, new SimulatedProviders().provider);
        assert.ok(run.registrations.length > 0);
        assert.deepStrictEqual(run.registrations.filter((r) => r.type.startsWith("random:") || r.type.startsWith("tls:")), []);
    });
});

describe("rolling the in-cluster server", () => {
    it("a SIMPLE→MUTUAL change rewrites nginx.conf and rolls the server's pods, its certificate unchanged", async () => {
        const providers = new SimulatedProviders();
        const [nginx] = everyKindOfDestinationArgs().destinations;
        const up = (mode: string) => runComponent({ destinations: [{ ...nginx, mode }], ca: FAST_CA }, providers.provider);
        const simple = await up("SIMPLE");
        const mutual = await up("MUTUAL");
        const serverFile = (run: ProgramRun, kind: string, name: string) => run.object(kind, "mesh-external", name).inputs;
        assert.notStrictEqual(serverFile(mutual, "ConfigMap", "nginx-configmap").data["nginx.conf"], serverFile(simple, "ConfigMap", "nginx-configmap").data["nginx.conf"]);
        assert.deepStrictEqual(serverFile(mutual, "Secret", "nginx-server-certs"), serverFile(simple, "Secret", "nginx-server-certs"), "the server keeps its certificate");
        assert.strictEqual(checksums(mutual).size, 1);
        assert.notStrictEqual([...checksums(mutual).values()][0], [...checksums(simple).values()][0], "the pods would keep the old nginx.conf");
    });
});
