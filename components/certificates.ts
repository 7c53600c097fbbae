import * as pulumi from "@pulumi/pulumi";
import * as tls from "@pulumi/tls";
import { acceptedServerNames, ResolvedCa, ResolvedDestination, ResolvedGateway } from "./config";
import { certificateNames, certificateOutputNames, formerAliases, objectNames, PULUMI_TYPES } from "./naming";
import { pemBundle } from "./pem";

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

/**
 * A certificate the component makes for the destination, by the name the `certificates` output gives it (a brought
 * one's facts are known from the config: ResolvedDestination.caCertSummaries).
 */
export interface MadeCertificate {
    name: string;
    pem: pulumi.Output<string>;
}

export interface DestinationCertificates {
    /** What the gateway trusts for the service: the brought `caCertPem` (known now), or every generation's CA. */
    trustedCaPem: pulumi.Input<string>;
    /** The in-cluster server's certificate, with the host in its subjectAltName. */
    server?: SignedKeyPair;
    /** The gateway's client certificate, for MUTUAL. */
    client?: SignedKeyPair;
    /** Every certificate above that the component makes, one by one. */
    made: MadeCertificate[];
}

export interface IssueContext {
    component: string;
    parent: pulumi.Resource;
    /** The children's URN prefix, when known while the component is constructed (ChildContext.childUrnPrefix). */
    childUrnPrefix?: string;
    ca: ResolvedCa;
}

/**
 * Options of the `type` resource `name`; `previous` is the logical name it had before generations, so a deployed stack
 * keeps its key or certificate.
 */
function aliased(context: IssueContext, type: string, name: string, previous: string | undefined): pulumi.CustomResourceOptions {
    if (previous === undefined) return { parent: context.parent };
    return { parent: context.parent, aliases: formerAliases(context.childUrnPrefix, { type, name }, [{ name: previous }]) };
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
    }, aliased(context, PULUMI_TYPES.privateKey, name, previous));
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
    }, aliased(context, PULUMI_TYPES.selfSignedCert, `${prefix}-cert`, previous && `${previous}-cert`));
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
    }, aliased(context, PULUMI_TYPES.certRequest, `${prefix}-csr`, previous && `${previous}-csr`));
    const cert = new tls.LocallySignedCert(`${prefix}-cert`, {
        certRequestPem: request.certRequestPem,
        caPrivateKeyPem: issuer.keyPem,
        caCertPem: issuer.certPem,
        allowedUses,
        ...validity(context.ca),
    }, aliased(context, PULUMI_TYPES.locallySignedCert, `${prefix}-cert`, previous && `${previous}-cert`));
    return { certPem: cert.certPem, keyPem: key.privateKeyPem };
}

/** Envoy checks subjectAltName, never the CN: the host and every name the gateway accepts go into dnsNames. */
function serverDnsNames(destination: ResolvedDestination): string[] {
    return [...new Set([destination.host, ...acceptedServerNames(destination)])];
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
    const broughtPem = destination.caCertPem;
    if (broughtPem !== undefined && destination.mode !== "MUTUAL") return { trustedCaPem: broughtPem, made: [] };
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
    const made: MadeCertificate[] = [
        ...generations.map((generation) => ({ name: certificateOutputNames.ca(generation), pem: cas.get(generation)!.certPem })),
        ...(server ? [{ name: certificateOutputNames.server, pem: server.certPem }] : []),
        ...(client ? [{ name: certificateOutputNames.client, pem: client.certPem }] : []),
    ];
    return { trustedCaPem: broughtPem ?? bundle, server, client, made };
}
