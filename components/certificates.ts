import * as pulumi from "@pulumi/pulumi";
import * as tls from "@pulumi/tls";
import { acceptedServerNames, ResolvedCa, ResolvedDestination, ResolvedGateway } from "./config";
import { certificateNames, certificateOutputNames, objectNames } from "./naming";
import { pemBlocks, pemBundle } from "./pem";

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

/** A certificate with the CAs that must trust it. */
export interface SignedKeyPair extends KeyPair {
    /** Every generation's CA of the destination, the issuer's among them: the server's client-CA file, in one PEM. */
    caCertPem: pulumi.Output<string>;
}

/** A certificate the destination trusts or presents, by the name the `certificates` output gives it. */
export interface NamedCertificate {
    name: string;
    pem: pulumi.Output<string>;
    /** Brought by the operator (`caCertPem`): renewed by its owner, not by this program's `pulumi up`. */
    brought: boolean;
}

export interface DestinationCertificates {
    /** What the gateway trusts for the service: the brought `caCertPem`, or every generation's CA. */
    trustedCaPem: pulumi.Output<string>;
    /** The in-cluster server's certificate, with the host in its subjectAltName. */
    server?: SignedKeyPair;
    /** The gateway's client certificate, for MUTUAL. */
    client?: SignedKeyPair;
    /** Every certificate above, one by one. */
    named: NamedCertificate[];
}

export interface IssueContext {
    component: string;
    parent: pulumi.Resource;
    ca: ResolvedCa;
}

/** `previous`: the logical name the resource had before generations, so a deployed stack keeps its key or certificate. */
function aliased(parent: pulumi.Resource, previous: string | undefined): pulumi.CustomResourceOptions {
    return { parent, ...(previous === undefined ? {} : { aliases: [{ name: previous }] }) };
}

/**
 * No `replacementTrigger`: earlier releases gave every key a RandomId's hex as one, and the engine replaces only when both
 * the old and the new trigger are set and differ (`shouldTriggerReplace`, pkg/resource/deploy/step_generator.go in
 * pulumi/pulumi), so dropping it keeps every key. A new key comes from a new name: a new generation or issuer.
 */
function privateKey(context: IssueContext, name: string, previous: string | undefined): tls.PrivateKey {
    const { ca } = context;
    return new tls.PrivateKey(name, {
        algorithm: ca.algorithm,
        ...(ca.algorithm === "RSA" ? { rsaBits: ca.rsaBits } : { ecdsaCurve: ca.ecdsaCurve }),
    }, aliased(context.parent, previous));
}

function validity(ca: ResolvedCa) {
    return { validityPeriodHours: ca.validityHours, earlyRenewalHours: ca.earlyRenewalHours };
}

function generationCa(context: IssueContext, destination: ResolvedDestination, generation: string): KeyPair {
    const { prefix, previous } = certificateNames.ca(context.component, destination.name, generation);
    const key = privateKey(context, `${prefix}-key`, previous && `${previous}-key`);
    const cert = new tls.SelfSignedCert(`${prefix}-cert`, {
        privateKeyPem: key.privateKeyPem,
        subject: { organization: context.ca.organization, commonName: context.ca.commonName },
        isCaCertificate: true,
        allowedUses: KEY_USAGES.ca,
        ...validity(context.ca),
    }, aliased(context.parent, previous && `${previous}-cert`));
    return { certPem: cert.certPem, keyPem: key.privateKeyPem };
}

function leaf(
    context: IssueContext,
    names: { prefix: string; previous?: string },
    issuer: KeyPair,
    subject: { commonName: string; dnsNames: string[] },
    allowedUses: string[],
): KeyPair {
    const { prefix, previous } = names;
    const key = privateKey(context, `${prefix}-key`, previous && `${previous}-key`);
    const request = new tls.CertRequest(`${prefix}-csr`, {
        privateKeyPem: key.privateKeyPem,
        subject: { commonName: subject.commonName, organization: LEAF_ORGANIZATION },
        dnsNames: subject.dnsNames,
    }, aliased(context.parent, previous && `${previous}-csr`));
    const cert = new tls.LocallySignedCert(`${prefix}-cert`, {
        certRequestPem: request.certRequestPem,
        caPrivateKeyPem: issuer.keyPem,
        caCertPem: issuer.certPem,
        allowedUses,
        ...validity(context.ca),
    }, aliased(context.parent, previous && `${previous}-cert`));
    return { certPem: cert.certPem, keyPem: key.privateKeyPem };
}

/** Envoy checks subjectAltName, never the CN: the host and every name the gateway accepts go into dnsNames. */
function serverDnsNames(destination: ResolvedDestination): string[] {
    return [...new Set([destination.host, ...acceptedServerNames(destination)])];
}

/** The brought bundle's certificates, one name each (`caCertPem[i]`), for the `certificates` output. */
function broughtCertificates(caCertPem: string): NamedCertificate[] {
    const certificates = pemBlocks(caCertPem).filter((block) => block.label === "CERTIFICATE");
    return certificates.map((block, index) => ({ name: certificateOutputNames.brought(index), pem: pulumi.output(block.text), brought: true }));
}

/**
 * The destination's CAs, one per generation, every one trusted; the issuer's signs its server's certificate and the
 * gateway's client certificate. A SIMPLE outside host needs nothing signed: its CA is brought.
 */
export function issueCertificates(
    context: IssueContext,
    destination: ResolvedDestination,
    gateway: ResolvedGateway,
): DestinationCertificates {
    const brought = destination.caCertPem === undefined ? [] : broughtCertificates(destination.caCertPem);
    const broughtPem = destination.caCertPem === undefined ? undefined : pulumi.output(destination.caCertPem);
    if (broughtPem && destination.mode !== "MUTUAL") return { trustedCaPem: broughtPem, named: brought };
    const { generations, issuer } = context.ca;
    const cas = new Map(generations.map((generation) => [generation, generationCa(context, destination, generation)]));
    const bundle = pulumi.all(generations.map((generation) => cas.get(generation)!.certPem)).apply(pemBundle);
    const signed = (role: "server" | "client", subject: { commonName: string; dnsNames: string[] }, allowedUses: string[]): SignedKeyPair => ({
        ...leaf(context, certificateNames.leaf(context.component, destination.name, role, issuer), cas.get(issuer)!, subject, allowedUses),
        caCertPem: bundle,
    });
    const server = destination.server
        ? signed("server", { commonName: destination.host, dnsNames: serverDnsNames(destination) }, KEY_USAGES.server)
        : undefined;
    const gatewayHost = objectNames.gatewayHost(gateway);
    const client = destination.mode === "MUTUAL" ? signed("client", { commonName: gatewayHost, dnsNames: [gatewayHost] }, KEY_USAGES.client) : undefined;
    const named: NamedCertificate[] = [
        ...generations.map((generation) => ({ name: certificateOutputNames.ca(generation), pem: cas.get(generation)!.certPem, brought: false })),
        ...(server ? [{ name: certificateOutputNames.server, pem: server.certPem, brought: false }] : []),
        ...(client ? [{ name: certificateOutputNames.client, pem: client.certPem, brought: false }] : []),
        ...brought,
    ];
    return { trustedCaPem: broughtPem ?? bundle, server, client, named };
}
