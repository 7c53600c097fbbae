import { X509Certificate } from "crypto";

/** One `-----BEGIN <label>-----` … `-----END <label>-----` block of a PEM text. */
export interface PemBlock {
    /** The armor's label, e.g. `CERTIFICATE` or `RSA PRIVATE KEY`. */
    label: string;
    /** The whole block, armor included. */
    text: string;
}

const PEM_BLOCK = /-----BEGIN ([A-Z0-9 ]+)-----[\s\S]*?-----END \1-----/g;

/** Every PEM block in `text`, in order; text between blocks (comments, blank lines) is not a block. */
export function pemBlocks(text: string): PemBlock[] {
    return [...text.matchAll(PEM_BLOCK)].map((match) => ({ label: match[1], text: match[0] }));
}

/** One PEM file holding every certificate, each ending in a newline: a single certificate comes back unchanged. */
export function pemBundle(certificates: string[]): string {
    return certificates.map((pem) => (pem.endsWith("\n") ? pem : `${pem}\n`)).join("");
}

/** The public facts of one certificate: what an operator compares and watches, never key material. */
export interface CertificateSummary {
    /** Subject distinguished name, e.g. `O=example Inc., CN=example.com`. */
    subject: string;
    /** SHA-256 fingerprint of the DER certificate, colon-separated hex (as `openssl x509 -fingerprint -sha256`). */
    sha256Fingerprint: string;
    /** Start of validity, ISO 8601 UTC. */
    notBefore: string;
    /** End of validity, ISO 8601 UTC. */
    notAfter: string;
}

export function summarizeCertificate(certificate: X509Certificate): CertificateSummary {
    return {
        subject: certificate.subject.split("\n").join(", "),
        sha256Fingerprint: certificate.fingerprint256,
        notBefore: new Date(certificate.validFrom).toISOString(),
        notAfter: new Date(certificate.validTo).toISOString(),
    };
}

/** The certificates of a PEM text, parsed; non-certificate blocks are skipped (validation refuses them earlier). */
export function parseCertificates(text: string): X509Certificate[] {
    return pemBlocks(text).filter((block) => block.label === "CERTIFICATE").map((block) => new X509Certificate(block.text));
}
