import * as assert from "assert";
import { CertificateAuthority } from "../components";
import { stackConfig } from "./support/devStack";
import { PARTNER, TYPES } from "./support/fixtures";
import { ProgramRun, unwrapSecrets } from "./support/harness";
import { secretFiles } from "./support/nginx";
import { ecdsaCaArgs, everyKindOfDestinationArgs, runComponent } from "./support/scenarios";
import { runStackProgram } from "./support/stackProgram";
import { SimulatedProviders } from "./support/tlsProvider";
import { collapseAlias, engineUrns } from "./support/urns";

const PRIVATE_KEY = TYPES.privateKey;
const CA_CERTIFICATE = TYPES.selfSignedCert;
const CERTIFICATES: string[] = [TYPES.selfSignedCert, TYPES.locallySignedCert];
const ISSUED: string[] = [PRIVATE_KEY, TYPES.certRequest, ...CERTIFICATES];
const CHECKSUM_ANNOTATION = "egress-tls.dev/config-checksum";
/** The destinations of everyKindOfDestinationArgs that get CAs of their own: two servers and a MUTUAL outside host. */
const WITH_OWN_CA = ["nginx", "billing", "bank"];
const SERVERS = ["nginx", "billing"];

/** ECDSA keys, which take microseconds to make where RSA takes a good part of a second. */
const FAST_CA: CertificateAuthority = ecdsaCaArgs();

/**
 * Successive `pulumi up`s of one stack: one SimulatedProviders keeps every tls resource whose inputs are unchanged, and
 * records what it had to create.
 */
class Stack {
    private readonly providers = new SimulatedProviders();

    async up(ca: CertificateAuthority = {}): Promise<{ run: ProgramRun; created: string[] }> {
        const before = this.providers.created.length;
        const run = await runComponent(everyKindOfDestinationArgs({ ...FAST_CA, ...ca }), this.providers.provider);
        return { run, created: this.providers.created.slice(before).sort() };
    }
}

function checksums(run: ProgramRun): Map<string, string> {
    return new Map(run.ofType(TYPES.deployment).map((d) => [d.name, d.inputs.spec.template.metadata.annotations[CHECKSUM_ANNOTATION]]));
}

/** `type::name` of every resource of `types` in the run, as SimulatedProviders records creations. */
function resourcesOf(run: ProgramRun, types: string[]): string[] {
    return run.registrations.filter((r) => types.includes(r.type)).map((r) => `${r.type}::${r.name}`).sort();
}

/** `type::name` of a key, request and certificate with this name prefix. */
function issuedAs(prefix: string, kind: "ca" | "leaf"): string[] {
    return kind === "ca"
        ? [`${PRIVATE_KEY}::${prefix}-key`, `${CA_CERTIFICATE}::${prefix}-cert`]
        : [`${PRIVATE_KEY}::${prefix}-key`, `${TYPES.certRequest}::${prefix}-csr`, `${TYPES.locallySignedCert}::${prefix}-cert`];
}

/** The CA certificate of generation `generation` of `destination`. */
function caOf(run: ProgramRun, destination: string, generation: string): string {
    return run.get(CA_CERTIFICATE, `egress-tls-${destination}-ca-${generation}-cert`).outputs.certPem;
}

/** Every Secret key that holds a trust bundle: the gateway's `ca.crt` files and the servers' client-CA files. */
function trustFiles(run: ProgramRun): { [file: string]: string } {
    const files: { [file: string]: string } = {};
    for (const secret of run.objectsOfKind("Secret")) {
        for (const [key, content] of Object.entries(secretFiles(secret))) {
            if (key === "ca.crt") files[`${secret.inputs.metadata.namespace}/${secret.inputs.metadata.name}/${key}`] = content.toString("utf8");
        }
    }
    return files;
}

/** Each server's `<name>-server-certs` Secret by URN (registrations finish in no fixed order). */
function serverCertSecrets(run: ProgramRun): { [urn: string]: unknown } {
    return Object.fromEntries(run.objectsOfKind("Secret").filter((s) => /-server-certs$/.test(s.inputs.metadata.name)).map((s) => [s.urn, s.rawInputs]));
}

describe("rotation by CA generations, as successive `pulumi up`s", () => {
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
        }
        assert.strictEqual(checksums(first).size, 2);
        assert.deepStrictEqual(checksums(second), checksums(first));
    });

    it("by default makes one CA per destination, generation 1, which signs every leaf; no key has a replacement trigger", () => {
        assert.deepStrictEqual(resourcesOf(first, [CA_CERTIFICATE]), WITH_OWN_CA.map((d) => `${CA_CERTIFICATE}::egress-tls-${d}-ca-1-cert`).sort());
        for (const key of first.ofType(PRIVATE_KEY)) assert.strictEqual(key.replacementTrigger, undefined, key.name);
        assert.deepStrictEqual(first.ofType(TYPES.randomId), []);
    });

    it("the documented procedure: add g2, make it the issuer, drop g1", async () => {
        // Step 1: both CAs trusted everywhere, nothing re-issued.
        const step1 = await stack.up({ generations: ["1", "2"], issuer: "1" });
        assert.deepStrictEqual(step1.created, WITH_OWN_CA.flatMap((d) => issuedAs(`egress-tls-${d}-ca-2`, "ca")).sort());
        assert.strictEqual(Object.keys(serverCertSecrets(first)).length, 2);
        assert.deepStrictEqual(serverCertSecrets(step1.run), serverCertSecrets(first), "the servers' N-server-certs are byte-identical");
        const trust1 = trustFiles(step1.run);
        for (const destination of SERVERS) {
            for (const generation of ["1", "2"]) {
                const ca = caOf(step1.run, destination, generation);
                const holders = Object.entries(trust1).filter(([, content]) => content.includes(ca)).map(([file]) => file).sort();
                assert.deepStrictEqual(holders.length, 2, `${destination}'s CA ${generation} is in the gateway's ca.crt and the server's client-CA file: ${holders}`);
            }
        }
        const clientCas = unwrapSecrets([...step1.run.componentOutputs.values()][0]).clientCaCertificates;
        assert.strictEqual(clientCas.bank, caOf(step1.run, "bank", "1") + caOf(step1.run, "bank", "2"), "an outside MUTUAL service is told to trust both");
        for (const [file, content] of Object.entries(trustFiles(first))) {
            if (content.includes(caOf(first, "nginx", "1")) || content.includes(caOf(first, "billing", "1"))) {
                assert.ok(trust1[file].startsWith(content), `${file} keeps generation 1 and adds generation 2`);
                assert.notStrictEqual(trust1[file], content, `${file} gained generation 2`);
            }
        }

        // Step 2: leaves re-issued by g2, new keys; the servers roll; no CA made.
        const step2 = await stack.up({ generations: ["1", "2"], issuer: "2" });
        const leaves = [["nginx", "server"], ["billing", "server"], ["billing", "client"], ["bank", "client"]];
        assert.deepStrictEqual(step2.created, leaves.flatMap(([d, role]) => issuedAs(`egress-tls-${d}-${role}-2`, "leaf")).sort());
        for (const [deployment, checksum] of checksums(step2.run)) assert.notStrictEqual(checksum, checksums(step1.run).get(deployment), `${deployment} rolls`);
        assert.deepStrictEqual(trustFiles(step2.run), trust1, "the trust files do not change while the leaves do");

        // Step 3: g1 deleted, trusted nowhere; nothing made.
        const step3 = await stack.up({ generations: ["2"] });
        assert.deepStrictEqual(step3.created, []);
        assert.deepStrictEqual(step3.run.registrations.filter((r) => /-1-(key|cert|csr)$/.test(r.name)).map((r) => r.name), [], "generation 1's resources are gone");
        for (const destination of WITH_OWN_CA) {
            const g1 = caOf(step1.run, destination, "1");
            for (const [file, content] of Object.entries(trustFiles(step3.run))) assert.ok(!content.includes(g1), `${file} still trusts ${destination}'s generation 1`);
        }
    });

    it("replacing the whole list ([1] → [2], a compromised CA) re-issues every key and certificate at once", async () => {
        const { run: replaced, created } = await stack.up({ generations: ["2"] });
        const issued = resourcesOf(replaced, ISSUED);
        assert.ok(issued.length >= 10, `expected keys, requests and certificates, got ${issued.join(", ")}`);
        assert.deepStrictEqual(created, issued);
        for (const [deployment, checksum] of checksums(replaced)) assert.notStrictEqual(checksum, checksums(first).get(deployment), `${deployment} rolls`);
    });

    it("changing ca.validityHours re-issues every certificate on the same keys, and rolls every server", async () => {
        const { run: renewed, created } = await stack.up({ validityHours: 4380 });
        assert.deepStrictEqual(created, resourcesOf(first, CERTIFICATES));
        for (const key of renewed.ofType(PRIVATE_KEY)) assert.strictEqual(key.outputs.privateKeyPem, first.get(PRIVATE_KEY, key.name).outputs.privateKeyPem);
        for (const [deployment, checksum] of checksums(renewed)) assert.notStrictEqual(checksum, checksums(first).get(deployment), `${deployment} rolls`);
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

// Kept apart from the suite above so that these tests pay for none of its beforeEach `up()`s.
describe("rotation by CA generations", () => {
    it("a stack that signs nothing (outside SIMPLE hosts only) has no CA and no key", async () => {
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

/** The dev stack's tls resources before generations (test/devStackUrns.test.ts then), each guarded by a RandomId trigger. */
const BEFORE_GENERATIONS = [
    "tls:index/certRequest:CertRequest::egress-tls-nginx-server-csr",
    "tls:index/locallySignedCert:LocallySignedCert::egress-tls-nginx-server-cert",
    "tls:index/privateKey:PrivateKey::egress-tls-nginx-ca-key",
    "tls:index/privateKey:PrivateKey::egress-tls-nginx-server-key",
    "tls:index/selfSignedCert:SelfSignedCert::egress-tls-nginx-ca-cert",
].map((urn) => `urn:pulumi:dev::egress-tls::egress-tls:index:EgressTlsOrigination$${urn}`);

describe("upgrading a stack deployed before CA generations", () => {
    let run: ProgramRun;
    before(async () => {
        run = await runStackProgram(stackConfig(), new SimulatedProviders().provider);
    });

    it("finds every key, request and certificate again through an alias on generation 1's resource of the same type", () => {
        const urns = engineUrns(run.registrations);
        const found = new Map<string, string>();
        for (const registration of run.registrations.filter((r) => r.type.startsWith("tls:"))) {
            const resource = { type: registration.type, name: registration.name, parentUrn: urns.get(registration.parent), stack: "dev", project: "egress-tls" };
            for (const alias of registration.aliases) {
                found.set(collapseAlias({ ...alias, parentUrn: alias.parentUrn && urns.get(alias.parentUrn) }, resource), registration.name);
            }
        }
        assert.deepStrictEqual([...found.keys()].sort(), BEFORE_GENERATIONS.sort());
        for (const [oldUrn, name] of found) {
            assert.strictEqual(name, oldUrn.replace(/.*::egress-tls-nginx-(ca|server)-(key|csr|cert)$/, "egress-tls-nginx-$1-1-$2"), oldUrn);
        }
    });

    it("drops the RandomId and every key's replacement trigger, which the engine takes as no reason to replace", async () => {
        assert.deepStrictEqual(run.ofType(TYPES.randomId), [], "nothing depends on the old trigger: the engine deletes it last");
        for (const key of run.ofType(PRIVATE_KEY)) assert.strictEqual(key.replacementTrigger, undefined, key.name);
        // The rule the simulated provider follows, from the engine (step_generator.go `shouldTriggerReplace`).
        const providers = new SimulatedProviders();
        const inputs = { algorithm: "ECDSA", ecdsaCurve: "P256" };
        const first = await providers.provider(PRIVATE_KEY, "k", inputs, "5f1c0e2a9b3d4c6e");
        const rotated = await providers.provider(PRIVATE_KEY, "k", inputs, "0a9e3b7c2d4f6e81");
        assert.notStrictEqual(rotated, first, "two set triggers that differ replace it");
        assert.strictEqual(await providers.provider(PRIVATE_KEY, "k", inputs, undefined), rotated, "a dropped trigger keeps the key");
    });
});
