import { X509Certificate } from "crypto";
import * as https from "https";
import { PeerCertificate, SecureVersion, TLSSocket } from "tls";
import { ResolvedDestination, ResolvedGateway } from "../../components/config";
import { ProgramRun } from "./harness";
import { secretFiles } from "./nginx";

const REQUEST_TIMEOUT_MS = 5_000;

/** What the egress gateway loads over SDS for one destination: the CA it trusts and, for MUTUAL, its client key pair. */
export interface GatewayCredential {
    caCrt: string;
    tlsCrt?: string;
    tlsKey?: string;
}

/**
 * The name of the credential Secret Istio's SDS reads for `credentialName`, in the gateway's namespace:
 * `<credentialName>-cacert` (ca.crt) for SIMPLE, `<credentialName>` (tls.crt, tls.key, ca.crt) for MUTUAL. Istio's rule,
 * restated here rather than taken from the component's naming, so a wrong name in the component fails the test.
 */
export function istioCredentialSecretName(mode: string, credentialName: string): string {
    return mode === "MUTUAL" ? credentialName : `${credentialName}-cacert`;
}

/** The credential Secret the gateway reads for a destination, in its own namespace (see istioCredentialSecretName). */
export function gatewayCredential(
    run: ProgramRun,
    gateway: Pick<ResolvedGateway, "namespace">,
    destination: Pick<ResolvedDestination, "credentialName" | "mode">,
): GatewayCredential {
    const secretName = istioCredentialSecretName(destination.mode, destination.credentialName);
    const files = secretFiles(run.object("Secret", gateway.namespace, secretName));
    const key = (name: string): string | undefined => files[name]?.toString("utf8");
    const caCrt = key("ca.crt");
    if (caCrt === undefined) throw new Error(`Secret ${gateway.namespace}/${secretName} has no ca.crt`);
    return { caCrt, tlsCrt: key("tls.crt"), tlsKey: key("tls.key") };
}

/**
 * Envoy's check of the server name: the certificate's subjectAltName DNS entries only, never the subject CN. Node's
 * default (`tls.checkServerIdentity`) falls back to the CN when a certificate has no DNS subjectAltName; this does not.
 */
function checkSubjectAltName(host: string, certificate: PeerCertificate): Error | undefined {
    const matched = new X509Certificate(certificate.raw).checkHost(host, { subject: "never", partialWildcards: false });
    if (matched !== undefined) return undefined;
    return new Error(`server certificate's subjectAltName (${certificate.subjectaltname ?? "none"}) does not name ${host}; its CN is not considered`);
}

interface PageRequest {
    /** Where nginx listens on 127.0.0.1. */
    port: number;
    /** The destination's host: SNI, the name the certificate must carry, and the Host header. */
    host: string;
    /** The CA bundle trusted (and nothing else), and the client key pair to present, if any. */
    credential: GatewayCredential;
    /** Pin the TLS version, e.g. `TLSv1.2`. Default: Node's range (TLS 1.2 to 1.3). */
    tlsVersion?: SecureVersion;
}

export interface Page {
    status: number;
    body: string;
    /** The negotiated TLS version. */
    protocol: string;
}

/**
 * `GET /` as the egress gateway sends it after originating TLS: trusting only the credential's CA, SNI and Host set to
 * the destination's host, the server name checked against subjectAltName alone, the client certificate presented when
 * the credential has one. Rejects when the handshake or the check fails.
 */
export function requestPage(request: PageRequest): Promise<Page> {
    const { credential } = request;
    return new Promise((resolve, reject) => {
        const req = https.request({
            host: "127.0.0.1",
            port: request.port,
            path: "/",
            method: "GET",
            headers: { Host: request.host },
            servername: request.host,
            ca: credential.caCrt,
            cert: credential.tlsCrt,
            key: credential.tlsKey,
            checkServerIdentity: checkSubjectAltName,
            minVersion: request.tlsVersion,
            maxVersion: request.tlsVersion,
            agent: false,
            timeout: REQUEST_TIMEOUT_MS,
        }, (res) => {
            const protocol = (res.socket as TLSSocket).getProtocol() ?? "unknown";
            const chunks: Buffer[] = [];
            res.on("data", (chunk: Buffer) => chunks.push(chunk));
            res.on("end", () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString("utf8"), protocol }));
            res.on("error", reject);
        });
        req.on("timeout", () => req.destroy(new Error(`no answer from 127.0.0.1:${request.port} within ${REQUEST_TIMEOUT_MS} ms`)));
        req.on("error", reject);
        req.end();
    });
}
