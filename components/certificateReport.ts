import { CertificateSummary, parseCertificates, summarizeCertificate } from "./pem";

// The `certificates` output and the expiry warnings: plain functions of the certificates' PEM, no resources.

/** One certificate a destination trusts or presents, its PEM known. */
export interface ReportedCertificate {
    destination: string;
    /** Its name in the `certificates` output: `ca-<generation>`, `server`, `client`, `caCertPem[<i>]`. */
    name: string;
    pem: string;
    /** Brought by the operator: its owner renews it; `pulumi up` re-issues only the component's own. */
    brought: boolean;
}

/**
 * The certificate's summary, or undefined when its PEM holds no certificate: a provider that returns none (as under
 * test mocks with placeholder outputs) must not fail the deployment over a report.
 */
function summary(certificate: ReportedCertificate): CertificateSummary | undefined {
    const [parsed] = parseCertificates(typeof certificate.pem === "string" ? certificate.pem : "");
    return parsed && summarizeCertificate(parsed);
}

/** For each destination, each certificate's subject, fingerprint and validity: public facts only, never a key. */
export function certificateReport(certificates: ReportedCertificate[]): { [destination: string]: { [certificate: string]: CertificateSummary } } {
    const report: { [destination: string]: { [certificate: string]: CertificateSummary } } = {};
    for (const certificate of certificates) {
        const facts = summary(certificate);
        if (facts) (report[certificate.destination] ??= {})[certificate.name] = facts;
    }
    return report;
}

/**
 * A warning for each certificate that ends within `earlyRenewalHours` of `now` (or has ended), naming the destination
 * and the certificate and saying who renews it.
 */
export function expiryWarnings(certificates: ReportedCertificate[], earlyRenewalHours: number, now: Date): string[] {
    const horizon = now.getTime() + earlyRenewalHours * 3_600_000;
    return certificates.flatMap((certificate) => {
        const { destination, name, brought } = certificate;
        const facts = summary(certificate);
        if (!facts || Date.parse(facts.notAfter) > horizon) return [];
        const { subject, notAfter } = facts;
        const when = Date.parse(notAfter) <= now.getTime() ? `expired on ${notAfter}` : `expires on ${notAfter}, within ca.earlyRenewalHours (${earlyRenewalHours} h)`;
        const remedy = brought
            ? "ask the service's operator for its new CA and add it to caCertPem"
            : "`pulumi up` re-issues it (see docs/certificates.md, renewal on a schedule)";
        return [`destination ${destination}: certificate ${name} (${subject}) ${when}; ${remedy}`];
    });
}
