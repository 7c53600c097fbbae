import { ResolvedDestination } from "./config";
import { certificateOutputNames } from "./naming";
import { CertificateSummary, parseCertificates, summarizeCertificate } from "./pem";

// The `certificates` output and the expiry warnings: plain functions of the certificates' public facts, no resources.

/** One certificate a destination trusts or presents, with its facts. */
export interface ReportedCertificate {
    destination: string;
    /** Its name in the `certificates` output: `ca-<generation>`, `server`, `client`, `caCertPem[<i>]`. */
    name: string;
    summary: CertificateSummary;
    /** Brought by the operator: its owner renews it; `pulumi up` re-issues only the component's own. */
    brought: boolean;
}

/** The certificates of a destination's brought `caCertPem`, `caCertPem[<i>]` each: known as soon as the config is checked. */
export function broughtCertificates(destination: ResolvedDestination): ReportedCertificate[] {
    return (destination.caCertSummaries ?? []).map((summary, index) => ({
        destination: destination.name, name: certificateOutputNames.brought(index), summary, brought: true,
    }));
}

/**
 * A certificate the component made, once its PEM is known; none when the PEM holds no certificate: a provider that
 * returns none (as under test mocks with placeholder outputs) must not fail the deployment over a report.
 */
export function madeCertificate(destination: string, name: string, pem: unknown): ReportedCertificate[] {
    const [parsed] = parseCertificates(typeof pem === "string" ? pem : "");
    return parsed ? [{ destination, name, summary: summarizeCertificate(parsed), brought: false }] : [];
}

/**
 * `certificates` in the order of `destinations`, each destination's in the order given (a stable sort): made ones
 * listed before brought ones stay so.
 */
export function inDestinationOrder(destinations: { name: string }[], certificates: ReportedCertificate[]): ReportedCertificate[] {
    const order = new Map(destinations.map((d, index) => [d.name, index]));
    return [...certificates].sort((a, b) => order.get(a.destination)! - order.get(b.destination)!);
}

/** For each destination, each certificate's subject, fingerprint and validity: public facts only, never a key. */
export function certificateReport(certificates: ReportedCertificate[]): { [destination: string]: { [certificate: string]: CertificateSummary } } {
    const report: { [destination: string]: { [certificate: string]: CertificateSummary } } = {};
    for (const { destination, name, summary } of certificates) (report[destination] ??= {})[name] = summary;
    return report;
}

/**
 * A warning for each certificate that ends within `earlyRenewalHours` of `now` (or has ended), naming the destination
 * and the certificate and saying who renews it.
 */
export function expiryWarnings(certificates: ReportedCertificate[], earlyRenewalHours: number, now: Date): string[] {
    const horizon = now.getTime() + earlyRenewalHours * 3_600_000;
    return certificates.flatMap((certificate) => {
        const { destination, name, brought, summary: { subject, notAfter } } = certificate;
        if (Date.parse(notAfter) > horizon) return [];
        const when = Date.parse(notAfter) <= now.getTime() ? `expired on ${notAfter}` : `expires on ${notAfter}, within ca.earlyRenewalHours (${earlyRenewalHours} h)`;
        const remedy = brought
            ? "ask the service's operator for its new CA and add it to caCertPem"
            : "`pulumi up` re-issues it (see docs/certificates.md, renewal on a schedule)";
        return [`destination ${destination}: certificate ${name} (${subject}) ${when}; ${remedy}`];
    });
}
