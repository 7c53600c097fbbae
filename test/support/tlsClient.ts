import * as https from "https";
import { PeerCertificate, SecureVersion, TLSSocket } from "tls";
import { ProgramRun, Registration } from "./harness";
import { secretFiles } from "./nginx";

const REQUEST_TIMEOUT_MS = 5_000;

/**
 * The name of the credential Secret the component must declare for a mode, in the gateway's namespace:
 * `<credentialName>-cacert` (ca.crt) for SIMPLE, `<credentialName>` (tls.crt, tls.key, ca.crt) for MUTUAL. Istio's rule,
 * restated here rather than taken from the component's naming, so a wrong name in the component fails the test.
 */
export function istioCredentialSecretName(mode: string, credentialName: string): string {
    return mode === "MUTUAL" ? credentialName : `${credentialName}-cacert`;
}

/**
 * What the egress gateway's Envoy is configured with to originate TLS to one host, as Istio builds it from the DECLARED
 * origination DestinationRule and the Secrets in the gateway's namespace; nothing is taken from the component's own
 * model of itself.
 */
export interface UpstreamTls {
    /** The rule's `sni`; unset means Istio's auto SNI (the request's host). */
    sni?: string;
    /** The rule's `subjectAltNames`, empty when the rule has none. */
    subjectAltNames: string[];
    /** The CA bundle Envoy trusts, and nothing else. */
    caCrt: string;
    /** The client key pair Envoy presents, for MUTUAL. */
    tlsCrt?: string;
    tlsKey?: string;
}

/** An origination rule's TLS settings, as declared. */
export type ClientTls = { mode: string; credentialName: string; sni?: string; subjectAltNames?: string[] };

/** The one declared DestinationRule TLS setting with a credentialName for `host`:`port` (port-level wins, as in Istio). */
function originationTls(run: ProgramRun, host: string, port: number): ClientTls {
    const settings = run.objectsOfKind("DestinationRule")
        .filter((rule: Registration) => rule.inputs.spec.host === host)
        .map((rule) => {
            const policy = rule.inputs.spec.trafficPolicy ?? {};
            const portLevel = (policy.portLevelSettings ?? []).find((p: any) => p.port?.number === port);
            return (portLevel?.tls ?? policy.tls) as ClientTls | undefined;
        })
        .filter((tls): tls is ClientTls => tls?.credentialName !== undefined);
    if (settings.length !== 1) throw new Error(`expected one origination DestinationRule for ${host}:${port}, found ${settings.length}`);
    return settings[0];
}

/**
 * Istio's credential lookup: Envoy asks for `<credentialName>-cacert` as its validation context in every mode
 * (istio/istio pilot/pkg/security/model/authentication.go), and istiod answers with that Secret's ca.crt, or, when there
 * is no such Secret, with `<credentialName>`'s (pilot/pkg/credentials/kube/secrets.go, GetCaCert). MUTUAL's key pair is
 * `<credentialName>`'s tls.crt and tls.key.
 */
export function declaredUpstreamTls(run: ProgramRun, gatewayNamespace: string, destination: { host: string; port: number }): UpstreamTls {
    return upstreamTlsOf(run, gatewayNamespace, originationTls(run, destination.host, destination.port));
}

/** What Envoy is configured with for one origination rule's TLS settings, from the Secrets in the gateway's namespace. */
export function upstreamTlsOf(run: ProgramRun, gatewayNamespace: string, tls: ClientTls): UpstreamTls {
    const secret = (name: string) => run.objectsOfKind("Secret").find((s) => s.inputs.metadata.namespace === gatewayNamespace && s.inputs.metadata.name === name);
    const caSecret = secret(`${tls.credentialName}-cacert`) ?? secret(tls.credentialName);
    const caCrt = caSecret && secretFiles(caSecret)["ca.crt"]?.toString("utf8");
    if (caCrt === undefined) throw new Error(`no ca.crt for credentialName ${tls.credentialName} in ${gatewayNamespace}`);
    const keyPairSecret = tls.mode === "MUTUAL" ? secret(tls.credentialName) : undefined;
    const keyPair = keyPairSecret ? secretFiles(keyPairSecret) : {};
    return {
        sni: tls.sni,
        subjectAltNames: tls.subjectAltNames ?? [],
        caCrt,
        tlsCrt: keyPair["tls.crt"]?.toString("utf8"),
        tlsKey: keyPair["tls.key"]?.toString("utf8"),
    };
}

/**
 * Envoy's DNS name match (envoy source/common/tls/utility.cc, dnsNameMatch): case-insensitive; a certificate name whose
 * left-most label holds one `*` (not an A-label) stands for exactly one label, matched by what is around the `*`.
 * `name` is the configured value, `pattern` the certificate's SAN.
 */
export function envoyDnsNameMatch(name: string, pattern: string): boolean {
    const [dnsName, certName] = [name.toLowerCase(), pattern.toLowerCase()];
    if (dnsName === certName) return true;
    const split = (text: string) => {
        const dot = text.indexOf(".");
        return dot < 0 ? undefined : [text.slice(0, dot), text.slice(dot + 1)];
    };
    const [nameParts, patternParts] = [split(dnsName), split(certName)];
    if (!nameParts || !patternParts) return false;
    const [patternLabel, patternRest] = patternParts;
    if (!patternLabel.includes("*") || patternRest.includes("*") || patternLabel.startsWith("xn--")) return false;
    if (nameParts[1] !== patternRest) return false;
    if (patternLabel === "*") return true;
    if (patternLabel.split("*").length !== 2) return false;
    const [before, after] = patternLabel.split("*");
    return patternLabel.length <= nameParts[0].length + 1 && nameParts[0].startsWith(before) && nameParts[0].endsWith(after);
}

/** One subjectAltName entry as Node prints it: `DNS`, `URI`, `email`, `IP Address`, … and the value. */
interface SubjectAltName {
    type: string;
    value: string;
}

/** `TYPE:value, …`, a value JSON-quoted when it holds `,` or `"` (Node's tls.js `splitEscapedAltNames`). */
const SAN_ENTRY = /([^:,]+):("(?:[^"\\]|\\.)*"|[^,]*)(?:, |$)/y;

/** A certificate's subjectAltName entries; Envoy never falls back to the subject CN. */
function subjectAltNames(certificate: PeerCertificate): SubjectAltName[] {
    const text = certificate.subjectaltname ?? "";
    const entries: SubjectAltName[] = [];
    SAN_ENTRY.lastIndex = 0;
    for (let match = SAN_ENTRY.exec(text); match && match[0] !== ""; match = SAN_ENTRY.exec(text)) {
        entries.push({ type: match[1], value: match[2].startsWith('"') ? JSON.parse(match[2]) : match[2] });
    }
    return entries;
}

/** Envoy's text of an IP SAN (tls/utility.cc `generalNameAsString`): IPv6 compressed and lower-case, where Node prints every group. */
function envoyIpAddress(nodeText: string): string {
    return nodeText.includes(":") ? new URL(`http://[${nodeText}]`).hostname.slice(1, -1) : nodeText;
}

/**
 * How Envoy compares a configured name with one SAN, by the SAN's type (source/common/tls/cert_validator/san_matcher.cc
 * `StringSanMatcher::match`): an exact matcher follows DNS rules, wildcards included, for DNS SANs only; URI, email and
 * IP SANs must equal the name. Other types match nothing.
 */
const ENVOY_SAN_MATCH: { [nodeType: string]: (name: string, value: string) => boolean } = {
    DNS: envoyDnsNameMatch,
    URI: (name, value) => name === value,
    email: (name, value) => name === value,
    "IP Address": (name, value) => name === envoyIpAddress(value),
};

/**
 * The name check Istio configures, on a chain that verified (Node calls this only then):
 * - the rule lists subjectAltNames: Istio emits them as the untyped `match_subject_alt_names` (istio/istio
 *   pilot/pkg/networking/core/cluster_tls.go), which Envoy expands into a DNS, a URI, an email and an IP matcher each
 *   (source/common/ssl/certificate_validation_context_config_impl.cc `getSubjectAltNameMatchers`): a SAN of any of
 *   those types that matches one of them passes;
 * - the rule sets neither `sni` nor subjectAltNames: Envoy's auto SAN validation, a DNS matcher for the request's host
 *   (default_validator.cc `DnsExactStringSanMatcher`);
 * - the rule sets `sni` and no subjectAltNames: no name check at all (istio/istio
 *   pilot/pkg/networking/core/cluster_tls.go, setAutoSniAndAutoSanValidation). This is the gap the tests must see.
 */
export function envoyNameCheck(upstream: UpstreamTls, requestHost: string): (servername: string, certificate: PeerCertificate) => Error | undefined {
    const ruleNames = upstream.subjectAltNames.length > 0;
    const accepted = ruleNames ? upstream.subjectAltNames : upstream.sni === undefined ? [requestHost] : [];
    const types = ruleNames ? Object.keys(ENVOY_SAN_MATCH) : ["DNS"];
    return (_servername, certificate) => {
        if (accepted.length === 0) return undefined;
        const carried = subjectAltNames(certificate).filter((san) => types.includes(san.type));
        if (accepted.some((name) => carried.some((san) => ENVOY_SAN_MATCH[san.type](name, san.value)))) return undefined;
        return new Error(`server certificate's subjectAltName (${certificate.subjectaltname ?? "none"}) matches none of ${accepted.join(", ")}; its CN is not considered`);
    };
}

interface PageRequest {
    /** Where nginx listens on 127.0.0.1. */
    port: number;
    /** The request's host: the Host header, and the SNI when the rule sets none. */
    host: string;
    /** What the gateway is configured with (declaredUpstreamTls), or a variation of it. */
    upstream: UpstreamTls;
    /** Pin the TLS version, e.g. `TLSv1.2`. Default: Node's range (TLS 1.2 to 1.3). */
    tlsVersion?: SecureVersion;
    /** Offer only these TLS 1.2 suites (OpenSSL names, `:`-separated). Default: Node's. */
    ciphers?: string;
}

export interface Page {
    status: number;
    body: string;
    /** The negotiated TLS version and suite. */
    protocol: string;
    cipher: string;
    /** The server certificate's public key (DER, SPKI), as the handshake accepted it. */
    serverPublicKey: Buffer;
}

/**
 * `GET /` as the egress gateway sends it after originating TLS: trusting only the upstream's CA, SNI from the rule,
 * the server's name checked by Istio's rule alone (no hostname check of Node's own), the client certificate presented
 * when the upstream has one. Rejects when the handshake or the check fails.
 */
export function requestPage(request: PageRequest): Promise<Page> {
    const { upstream } = request;
    return new Promise((resolve, reject) => {
        const req = https.request({
            host: "127.0.0.1",
            port: request.port,
            path: "/",
            method: "GET",
            headers: { Host: request.host },
            servername: upstream.sni ?? request.host,
            ca: upstream.caCrt,
            cert: upstream.tlsCrt,
            key: upstream.tlsKey,
            checkServerIdentity: envoyNameCheck(upstream, request.host),
            minVersion: request.tlsVersion,
            maxVersion: request.tlsVersion,
            ciphers: request.ciphers,
            agent: false,
            timeout: REQUEST_TIMEOUT_MS,
        }, (res) => {
            const socket = res.socket as TLSSocket;
            const protocol = socket.getProtocol() ?? "unknown";
            const cipher = socket.getCipher().name;
            const serverPublicKey = socket.getPeerX509Certificate()!.publicKey.export({ type: "spki", format: "der" });
            const chunks: Buffer[] = [];
            res.on("data", (chunk: Buffer) => chunks.push(chunk));
            res.on("end", () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString("utf8"), protocol, cipher, serverPublicKey }));
            res.on("error", reject);
        });
        req.on("timeout", () => req.destroy(new Error(`no answer from 127.0.0.1:${request.port} within ${REQUEST_TIMEOUT_MS} ms`)));
        req.on("error", reject);
        req.end();
    });
}
