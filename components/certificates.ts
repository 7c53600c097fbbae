import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import * as tls from "@pulumi/tls";
import { acceptedServerNames, ResolvedCa, ResolvedDestination, ResolvedGateway } from "./config";
import { childName, objectNames } from "./naming";

/**
 * @pulumi/tls takes the snake_case key-usage names; the camelCase list in its doc comments is refused by the provider.
 */
export const KEY_USAGES = {
    ca: ["cert_signing", "crl_signing", "digital_signature"],
    server: ["digital_signature", "key_encipherment", "server_auth"],
    client: ["digital_signature", "key_encipherment", "client_auth"],
};

/** Subject organization of the leaf certificates, as in the walkthrough. */
export const LEAF_ORGANIZATION = "some organization";

export interface KeyPair {
    certPem: pulumi.Output<string>;
    keyPem: pulumi.Output<string>;
}

/** A certificate with the CA that signed it. */
export interface SignedKeyPair extends KeyPair {
    caCertPem: pulumi.Output<string>;
}

export interface DestinationCertificates {
    /** The CA the gateway trusts for the service: brought as `caCertPem`, or the destination's own. */
    trustedCaPem: pulumi.Output<string>;
    /** The in-cluster server's certificate, with the host in its subjectAltName. */
    server?: SignedKeyPair;
    /** The gateway's client certificate, for MUTUAL. */
    client?: SignedKeyPair;
}

export interface IssueContext {
    component: string;
    parent: pulumi.Resource;
    ca: ResolvedCa;
    /** Replacing its value replaces every private key, and so every certificate signed with or by it. */
    rotationTrigger: () => pulumi.Output<string>;
}

/**
 * The trigger is a RandomId whose keepers are the settings that must re-issue keys. It is made with the first key, so a
 * stack that signs nothing (outside SIMPLE hosts only) has no random resource and needs no random provider.
 */
export function rotationTrigger(component: string, parent: pulumi.Resource, ca: ResolvedCa): () => pulumi.Output<string> {
    let hex: pulumi.Output<string> | undefined;
    return () => (hex ??= new random.RandomId(childName(component, "rotation"), {
        byteLength: 8,
        keepers: { rotation: ca.rotation, validityHours: String(ca.validityHours) },
    }, { parent }).hex);
}

function privateKey(context: IssueContext, name: string): tls.PrivateKey {
    const { ca } = context;
    return new tls.PrivateKey(name, {
        algorithm: ca.algorithm,
        ...(ca.algorithm === "RSA" ? { rsaBits: ca.rsaBits } : { ecdsaCurve: ca.ecdsaCurve }),
    }, { parent: context.parent, replacementTrigger: context.rotationTrigger() });
}

function validity(ca: ResolvedCa) {
    return { validityPeriodHours: ca.validityHours, earlyRenewalHours: ca.earlyRenewalHours };
}

function rootCa(context: IssueContext, destination: ResolvedDestination): KeyPair {
    const key = privateKey(context, childName(context.component, destination.name, "ca-key"));
    const cert = new tls.SelfSignedCert(childName(context.component, destination.name, "ca-cert"), {
        privateKeyPem: key.privateKeyPem,
        subject: { organization: context.ca.organization, commonName: context.ca.commonName },
        isCaCertificate: true,
        allowedUses: KEY_USAGES.ca,
        ...validity(context.ca),
    }, { parent: context.parent });
    return { certPem: cert.certPem, keyPem: key.privateKeyPem };
}

function leaf(
    context: IssueContext,
    issuer: KeyPair,
    name: string,
    subject: { commonName: string; dnsNames: string[] },
    allowedUses: string[],
): SignedKeyPair {
    const key = privateKey(context, `${name}-key`);
    const request = new tls.CertRequest(`${name}-csr`, {
        privateKeyPem: key.privateKeyPem,
        subject: { commonName: subject.commonName, organization: LEAF_ORGANIZATION },
        dnsNames: subject.dnsNames,
    }, { parent: context.parent });
    const cert = new tls.LocallySignedCert(`${name}-cert`, {
        certRequestPem: request.certRequestPem,
        caPrivateKeyPem: issuer.keyPem,
        caCertPem: issuer.certPem,
        allowedUses,
        ...validity(context.ca),
    }, { parent: context.parent });
    return { certPem: cert.certPem, keyPem: key.privateKeyPem, caCertPem: issuer.certPem };
}

/** Envoy checks subjectAltName, never the CN: the host and every name the gateway accepts go into dnsNames. */
function serverDnsNames(destination: ResolvedDestination): string[] {
    return [...new Set([destination.host, ...acceptedServerNames(destination)])];
}

/**
 * The destination's own CA signs its server's certificate and the gateway's client certificate; a SIMPLE outside host
 * needs nothing signed, its CA is brought.
 */
export function issueCertificates(
    context: IssueContext,
    destination: ResolvedDestination,
    gateway: ResolvedGateway,
): DestinationCertificates {
    const brought = destination.caCertPem === undefined ? undefined : pulumi.output(destination.caCertPem);
    if (brought && destination.mode !== "MUTUAL") return { trustedCaPem: brought };
    const ca = rootCa(context, destination);
    const server = destination.server
        ? leaf(context, ca, childName(context.component, destination.name, "server"),
            { commonName: destination.host, dnsNames: serverDnsNames(destination) }, KEY_USAGES.server)
        : undefined;
    const gatewayHost = objectNames.gatewayHost(gateway);
    const client = destination.mode === "MUTUAL"
        ? leaf(context, ca, childName(context.component, destination.name, "client"),
            { commonName: gatewayHost, dnsNames: [gatewayHost] }, KEY_USAGES.client)
        : undefined;
    return { trustedCaPem: brought ?? ca.certPem, server, client };
}
