import "reflect-metadata"; // @peculiar/x509 resolves its services through tsyringe, which needs it
import * as x509 from "@peculiar/x509";
import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, KeyObject, webcrypto } from "crypto";
import { ProviderFn } from "./harness";

x509.cryptoProvider.set(webcrypto as unknown as Parameters<typeof x509.cryptoProvider.set>[0]);

/** @pulumi/tls's `allowedUses` values, as the provider accepts them; anything else it refuses. */
const KEY_USAGE_FLAGS: { [use: string]: x509.KeyUsageFlags } = {
    digital_signature: x509.KeyUsageFlags.digitalSignature,
    content_commitment: x509.KeyUsageFlags.nonRepudiation,
    key_encipherment: x509.KeyUsageFlags.keyEncipherment,
    data_encipherment: x509.KeyUsageFlags.dataEncipherment,
    key_agreement: x509.KeyUsageFlags.keyAgreement,
    cert_signing: x509.KeyUsageFlags.keyCertSign,
    crl_signing: x509.KeyUsageFlags.cRLSign,
    encipher_only: x509.KeyUsageFlags.encipherOnly,
    decipher_only: x509.KeyUsageFlags.decipherOnly,
};
const EXTENDED_KEY_USAGES: { [use: string]: string } = {
    any_extended: "2.5.29.37.0",
    server_auth: x509.ExtendedKeyUsage.serverAuth,
    client_auth: x509.ExtendedKeyUsage.clientAuth,
    code_signing: x509.ExtendedKeyUsage.codeSigning,
    email_protection: x509.ExtendedKeyUsage.emailProtection,
    ipsec_end_system: "1.3.6.1.5.5.7.3.5",
    ipsec_tunnel: "1.3.6.1.5.5.7.3.6",
    ipsec_user: "1.3.6.1.5.5.7.3.7",
    timestamping: x509.ExtendedKeyUsage.timeStamping,
    ocsp_signing: x509.ExtendedKeyUsage.ocspSigning,
    microsoft_server_gated_crypto: "1.3.6.1.4.1.311.10.3.3",
    netscape_server_gated_crypto: "2.16.840.1.113730.4.1",
};
const CURVES: { [curve: string]: { namedCurve: string; hash: string; openssl: string } } = {
    P256: { namedCurve: "P-256", hash: "SHA-256", openssl: "prime256v1" },
    P384: { namedCurve: "P-384", hash: "SHA-384", openssl: "secp384r1" },
    P521: { namedCurve: "P-521", hash: "SHA-512", openssl: "secp521r1" },
};
const SUBJECT_FIELDS: [string, string][] = [
    ["commonName", "CN"], ["organization", "O"], ["organizationalUnit", "OU"], ["country", "C"],
    ["locality", "L"], ["province", "ST"], ["postalCode", "postalCode"], ["serialNumber", "serialNumber"],
];

function fail(resource: string, message: string): never {
    throw new Error(`tls provider (simulated): ${resource}: ${message}`);
}

function subjectName(subject: any): x509.JsonName {
    return SUBJECT_FIELDS.filter(([field]) => subject?.[field]).map(([field, type]) => ({ [type]: [String(subject[field])] }));
}

function generateKey(inputs: any): KeyObject {
    if (inputs.algorithm === "RSA") return generateKeyPairSync("rsa", { modulusLength: inputs.rsaBits ?? 2048 }).privateKey;
    if (inputs.algorithm === "ECDSA") {
        const curve = CURVES[inputs.ecdsaCurve ?? "P224"] ?? fail("PrivateKey", `unsupported ecdsaCurve ${inputs.ecdsaCurve}`);
        return generateKeyPairSync("ec", { namedCurve: curve.namedCurve }).privateKey;
    }
    return fail("PrivateKey", `unsupported algorithm ${inputs.algorithm}`);
}

/** The key in the provider's encoding (PKCS#1 for RSA, SEC1 for ECDSA) and a WebCrypto pair for signing. */
async function signingKeys(privateKeyPem: string): Promise<{ keys: webcrypto.CryptoKeyPair; algorithm: any }> {
    const key = createPrivateKey(privateKeyPem);
    const curve = Object.values(CURVES).find((c) => c.openssl === key.asymmetricKeyDetails?.namedCurve);
    const algorithm = key.asymmetricKeyType === "rsa"
        ? { name: "RSASSA-PKCS1-v1_5", hash: "SHA-256" }
        : { name: "ECDSA", namedCurve: curve?.namedCurve, hash: curve?.hash };
    const pkcs8 = key.export({ type: "pkcs8", format: "der" });
    const spki = publicKeyDer(key);
    const privateKey = await webcrypto.subtle.importKey("pkcs8", pkcs8, algorithm, true, ["sign"]);
    const publicKey = await webcrypto.subtle.importKey("spki", spki, algorithm, true, ["verify"]);
    return { keys: { privateKey, publicKey } as webcrypto.CryptoKeyPair, algorithm };
}

function publicKeyDer(key: KeyObject): Buffer {
    return createPublicKey(key).export({ type: "spki", format: "der" });
}

function usageExtensions(resource: string, allowedUses: string[] = []): x509.Extension[] {
    let flags = 0;
    const extended: string[] = [];
    for (const use of allowedUses) {
        if (use in KEY_USAGE_FLAGS) flags |= KEY_USAGE_FLAGS[use];
        else if (use in EXTENDED_KEY_USAGES) extended.push(EXTENDED_KEY_USAGES[use]);
        else fail(resource, `allowedUses: unknown value "${use}"`);
    }
    return [
        ...(flags ? [new x509.KeyUsagesExtension(flags, true)] : []),
        ...(extended.length ? [new x509.ExtendedKeyUsageExtension(extended, false)] : []),
    ];
}

function validity(resource: string, inputs: any): { notBefore: Date; notAfter: Date; outputs: object } {
    const hours = inputs.validityPeriodHours ?? fail(resource, "validityPeriodHours is required");
    const notBefore = new Date(Math.floor(Date.now() / 1000) * 1000 - 60_000);
    const notAfter = new Date(notBefore.getTime() + hours * 3_600_000);
    const early = inputs.earlyRenewalHours ?? 0;
    return {
        notBefore, notAfter,
        outputs: {
            validityStartTime: notBefore.toISOString(),
            validityEndTime: notAfter.toISOString(),
            readyForRenewal: Date.now() >= notAfter.getTime() - early * 3_600_000,
        },
    };
}

function sanExtension(dnsNames: string[] = [], ipAddresses: string[] = []): x509.Extension[] {
    const names = [...dnsNames.map((value) => ({ type: "dns" as const, value })), ...ipAddresses.map((value) => ({ type: "ip" as const, value }))];
    return names.length ? [new x509.SubjectAlternativeNameExtension(names, false)] : [];
}

function serial(): string {
    return "0" + webcrypto.getRandomValues(new Uint8Array(15)).reduce((s, b) => s + b.toString(16).padStart(2, "0"), "");
}

async function privateKey(inputs: any): Promise<object> {
    const key = generateKey(inputs);
    const publicPem = createPublicKey(key).export({ type: "spki", format: "pem" }) as string;
    return {
        privateKeyPem: key.export({ type: key.asymmetricKeyType === "rsa" ? "pkcs1" : "sec1", format: "pem" }),
        privateKeyPemPkcs8: key.export({ type: "pkcs8", format: "pem" }),
        publicKeyPem: publicPem,
        publicKeyFingerprintSha256: createHash("sha256").update(publicKeyDer(key)).digest("base64"),
    };
}

async function selfSignedCert(inputs: any): Promise<object> {
    const { keys, algorithm } = await signingKeys(inputs.privateKeyPem ?? fail("SelfSignedCert", "privateKeyPem is required"));
    const period = validity("SelfSignedCert", inputs);
    const cert = await x509.X509CertificateGenerator.createSelfSigned({
        serialNumber: serial(),
        name: subjectName(inputs.subject),
        notBefore: period.notBefore,
        notAfter: period.notAfter,
        signingAlgorithm: algorithm,
        keys,
        extensions: [
            new x509.BasicConstraintsExtension(Boolean(inputs.isCaCertificate), undefined, true),
            ...usageExtensions("SelfSignedCert", inputs.allowedUses),
            ...sanExtension(inputs.dnsNames, inputs.ipAddresses),
            await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
        ],
    });
    return { certPem: cert.toString("pem") + "\n", ...period.outputs };
}

async function certRequest(inputs: any): Promise<object> {
    const { keys, algorithm } = await signingKeys(inputs.privateKeyPem ?? fail("CertRequest", "privateKeyPem is required"));
    const csr = await x509.Pkcs10CertificateRequestGenerator.create({
        name: subjectName(inputs.subject),
        keys,
        signingAlgorithm: algorithm,
        extensions: sanExtension(inputs.dnsNames, inputs.ipAddresses),
    });
    return { certRequestPem: csr.toString("pem") + "\n" };
}

async function locallySignedCert(inputs: any): Promise<object> {
    const csr = new x509.Pkcs10CertificateRequest(inputs.certRequestPem ?? fail("LocallySignedCert", "certRequestPem is required"));
    if (!(await csr.verify())) fail("LocallySignedCert", "certRequestPem has a bad signature");
    const ca = new x509.X509Certificate(inputs.caCertPem ?? fail("LocallySignedCert", "caCertPem is required"));
    const { keys, algorithm } = await signingKeys(inputs.caPrivateKeyPem ?? fail("LocallySignedCert", "caPrivateKeyPem is required"));
    const period = validity("LocallySignedCert", inputs);
    const san = csr.getExtension("2.5.29.17");
    const cert = await x509.X509CertificateGenerator.create({
        serialNumber: serial(),
        subject: csr.subject,
        issuer: ca.subject,
        notBefore: period.notBefore,
        notAfter: period.notAfter,
        signingAlgorithm: algorithm,
        publicKey: csr.publicKey,
        signingKey: keys.privateKey,
        extensions: [
            new x509.BasicConstraintsExtension(Boolean(inputs.isCaCertificate), undefined, true),
            ...usageExtensions("LocallySignedCert", inputs.allowedUses),
            ...(san ? [san] : []),
            await x509.SubjectKeyIdentifierExtension.create(csr.publicKey),
            await x509.AuthorityKeyIdentifierExtension.create(keys.publicKey),
        ],
    });
    return { certPem: cert.toString("pem") + "\n", ...period.outputs };
}

const RESOURCES: { [type: string]: (inputs: any) => Promise<object> } = {
    "tls:index/privateKey:PrivateKey": privateKey,
    "tls:index/selfSignedCert:SelfSignedCert": selfSignedCert,
    "tls:index/certRequest:CertRequest": certRequest,
    "tls:index/locallySignedCert:LocallySignedCert": locallySignedCert,
};

/**
 * Mock providers for @pulumi/tls and @pulumi/random that behave like the real ones: real keys and X.509 certificates
 * made from the declared inputs. Like the engine, it keeps a resource's outputs while its inputs stay the same and its
 * replacement trigger does not call for a replacement, and makes new ones otherwise (every input of these resources forces
 * a replacement); so one instance across runs models successive `pulumi up`s.
 */
export class SimulatedProviders {
    private readonly state = new Map<string, { fingerprint: string; replacementTrigger: unknown; outputs: object }>();
    /** How many resources the last runs created or replaced, by `type::name`. */
    readonly created: string[] = [];

    readonly provider: ProviderFn = async (type, name, inputs, replacementTrigger) => {
        const make = RESOURCES[type] ?? (type === "random:index/randomId:RandomId" ? randomId : undefined);
        if (!make) return undefined;
        const key = `${type}::${name}`;
        const fingerprint = JSON.stringify(inputs);
        const previous = this.state.get(key);
        if (previous && previous.fingerprint === fingerprint && !shouldTriggerReplace(replacementTrigger, previous.replacementTrigger)) {
            previous.replacementTrigger = replacementTrigger;
            return previous.outputs as { [key: string]: unknown };
        }
        const outputs = await make(inputs);
        this.state.set(key, { fingerprint, replacementTrigger, outputs });
        this.created.push(key);
        return outputs as { [key: string]: unknown };
    };

    /**
     * Makes the next run re-issue every resource of `type` with unchanged inputs, as @pulumi/tls's plan modifier does for
     * a certificate once it is in its renewal window (docs/certificates.md).
     */
    renew(type: string): void {
        for (const key of [...this.state.keys()]) if (key.startsWith(`${type}::`)) this.state.delete(key);
    }
}

/**
 * The engine's rule (`shouldTriggerReplace`, pkg/resource/deploy/step_generator.go in pulumi/pulumi): a trigger that is
 * absent (null) on either side means "no replacement trigger", so adding or removing one replaces nothing; two present
 * triggers replace when they differ.
 */
function shouldTriggerReplace(next: unknown, previous: unknown): boolean {
    if (next === undefined || next === null || previous === undefined || previous === null) return false;
    return JSON.stringify(next) !== JSON.stringify(previous);
}

async function randomId(inputs: any): Promise<object> {
    const bytes = webcrypto.getRandomValues(new Uint8Array(inputs.byteLength ?? 8));
    const hex = Buffer.from(bytes).toString("hex");
    return { hex, b64Std: Buffer.from(bytes).toString("base64"), b64Url: Buffer.from(bytes).toString("base64url"), dec: BigInt(`0x${hex}`).toString() };
}
