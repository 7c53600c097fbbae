import * as pulumi from "@pulumi/pulumi";
import * as tls from "@pulumi/tls";
import { ResolvedCa, ResolvedDestination, ResolvedGateway } from "./config";
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

export interface DestinationCertificates {
    /** The destination's own root CA; made when the component runs its server or presents a client certificate. */
    ca: KeyPair;
    /** The in-cluster server's certificate, with the host in its subjectAltName. */
    server?: KeyPair;
    /** The gateway's client certificate, for MUTUAL. */
    client?: KeyPair;
}

export interface IssueContext {
    component: string;
    parent: pulumi.Resource;
    ca: ResolvedCa;
    /** Replacing this value replaces every private key, and so every certificate signed with or by it. */
    rotationTrigger: pulumi.Input<string>;
}

function privateKey(context: IssueContext, name: string): tls.PrivateKey {
    const { ca } = context;
    return new tls.PrivateKey(name, {
        algorithm: ca.algorithm,
        ...(ca.algorithm === "RSA" ? { rsaBits: ca.rsaBits } : { ecdsaCurve: ca.ecdsaCurve }),
    }, { parent: context.parent, replacementTrigger: context.rotationTrigger });
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
): KeyPair {
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
    return { certPem: cert.certPem, keyPem: key.privateKeyPem };
}

/** Envoy checks subjectAltName, never the CN: the host and every accepted name go into dnsNames. */
export function serverDnsNames(destination: ResolvedDestination): string[] {
    return [...new Set([destination.host, ...destination.subjectAltNames])];
}

/** Returns undefined for a SIMPLE outside host, which needs nothing signed: its CA is brought. */
export function issueCertificates(
    context: IssueContext,
    destination: ResolvedDestination,
    gateway: ResolvedGateway,
): DestinationCertificates | undefined {
    if (!destination.server && destination.mode !== "MUTUAL") return undefined;
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
    return { ca, server, client };
}
