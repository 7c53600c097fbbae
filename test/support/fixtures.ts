import "./tlsProvider"; // sets @peculiar/x509's crypto provider
import * as x509 from "@peculiar/x509";
import { createPrivateKey, webcrypto } from "crypto";
import { Destination, EgressTlsOriginationArgs } from "../../components";

/** A public CA certificate an outside service's operator would hand over (its key is nowhere: only trust is needed). */
export const OUTSIDE_CA_PEM = `-----BEGIN CERTIFICATE-----
MIIBuTCCAV+gAwIBAgIUa23gai/p+87B5ALLo/21n2XH72MwCgYIKoZIzj0EAwIw
MjEWMBQGA1UECgwNT3V0c2lkZSBDb3JwLjEYMBYGA1UEAwwPT3V0c2lkZSBSb290
IENBMB4XDTI2MTEyNjA0NTgxOFoXDTM2MTEyMzA0NTgxOFowMjEWMBQGA1UECgwN
T3V0c2lkZSBDb3JwLjEYMBYGA1UEAwwPT3V0c2lkZSBSb290IENBMFkwEwYHKoZI
zj0CAQYIKoZIzj0DAQcDQgAEj13kvKqF8OX/TAj7ZBergh6NBRo3q6f5Ob52hC63
EjBMbKyqOeCJjIfvO36BomYo0ZRFxh0JShM644+BdgbYyaNTMFEwHQYDVR0OBBYE
FCdUYsCvCThWAH/491M6T4e69iIjMB8GA1UdIwQYMBaAFCdUYsCvCThWAH/491M6
T4e69iIjMA8GA1UdEwEB/wQFMAMBAf8wCgYIKoZIzj0EAwIDSAAwRQIhAOzRFNiZ
nksLO4Fnp88QbjVmO8Io7WJ/C9q+2tgAP9ATAiAXKpRtE0ETvidf2Kv7DvqJpM6p
RhnFEbc1e/RA/aU58Q==
-----END CERTIFICATE-----
`;

/** The walkthrough's destination, as Pulumi.dev.yaml declares it. */
export const NGINX: Destination = {
    name: "nginx",
    host: "my-nginx.mesh-external.svc.cluster.local",
    credentialName: "client-credential",
    server: { namespace: "mesh-external", name: "my-nginx" },
};

/** An outside host with a CA of its own: SIMPLE, nothing made here but the gateway's credential. */
export const PARTNER: Destination = { name: "partner", host: "api.partner.example.org", caCertPem: OUTSIDE_CA_PEM };

/** Pulumi resource types the tests look registrations up by. */
export const TYPES = {
    component: "egress-tls:index:EgressTlsOrigination",
    secret: "kubernetes:core/v1:Secret",
    configMap: "kubernetes:core/v1:ConfigMap",
    namespace: "kubernetes:core/v1:Namespace",
    service: "kubernetes:core/v1:Service",
    deployment: "kubernetes:apps/v1:Deployment",
    job: "kubernetes:batch/v1:Job",
    networkPolicy: "kubernetes:networking.k8s.io/v1:NetworkPolicy",
    release: "kubernetes:helm.sh/v3:Release",
    gateway: "kubernetes:networking.istio.io/v1:Gateway",
    serviceEntry: "kubernetes:networking.istio.io/v1:ServiceEntry",
    privateKey: "tls:index/privateKey:PrivateKey",
    certRequest: "tls:index/certRequest:CertRequest",
    selfSignedCert: "tls:index/selfSignedCert:SelfSignedCert",
    locallySignedCert: "tls:index/locallySignedCert:LocallySignedCert",
    randomId: "random:index/randomId:RandomId",
} as const;

/** Several destinations at once, each with its own CA, in a gateway outside istio-system. */
export function multiDestinationArgs(): EgressTlsOriginationArgs {
    return {
        destinations: [
            NGINX,
            { name: "billing", host: "billing.payments.svc.cluster.local", port: 8443, mode: "MUTUAL", server: { namespace: "payments", name: "billing" } },
            { ...PARTNER, subjectAltNames: ["api.partner.example.org", "*.partner.example.org"] },
        ],
        gateway: { namespace: "demo-istio", name: "egress-gw", selector: { app: "egress-gw" } },
        routingNamespace: "apps",
    };
}

/** A certificate made for a test, and its key (ECDSA P-256: made in microseconds). */
export interface TestCertificate {
    pem: string;
    keyPem: string;
}

const HOUR_MS = 3_600_000;

/**
 * A certificate for the brought-CA and expiry tests, valid from `validFrom` to `validTo` (hours from now, negative for the
 * past): a CA (basicConstraints CA:TRUE) by default; `ca: false` for a plain certificate; signed by `issuer` or by itself.
 */
export async function testCertificate(options: {
    commonName: string;
    validFrom?: number;
    validTo?: number;
    ca?: boolean;
    issuer?: TestCertificate;
}): Promise<TestCertificate> {
    const algorithm = { name: "ECDSA", namedCurve: "P-256", hash: "SHA-256" };
    const keys = await webcrypto.subtle.generateKey(algorithm, true, ["sign", "verify"]);
    const signingKey = options.issuer
        ? await webcrypto.subtle.importKey("pkcs8", createPrivateKey(options.issuer.keyPem).export({ type: "pkcs8", format: "der" }), algorithm, false, ["sign"])
        : keys.privateKey;
    const now = Date.now();
    const certificate = await x509.X509CertificateGenerator.create({
        serialNumber: "01",
        subject: `CN=${options.commonName}`,
        issuer: options.issuer ? new x509.X509Certificate(options.issuer.pem).subject : `CN=${options.commonName}`,
        notBefore: new Date(now + (options.validFrom ?? -1) * HOUR_MS),
        notAfter: new Date(now + (options.validTo ?? 24 * 365) * HOUR_MS),
        signingAlgorithm: algorithm,
        publicKey: keys.publicKey,
        signingKey,
        extensions: [new x509.BasicConstraintsExtension(options.ca ?? true, undefined, true)],
    });
    const pkcs8 = Buffer.from(await webcrypto.subtle.exportKey("pkcs8", keys.privateKey));
    return { pem: certificate.toString("pem") + "\n", keyPem: createPrivateKey({ key: pkcs8, format: "der", type: "pkcs8" }).export({ type: "pkcs8", format: "pem" }) as string };
}
