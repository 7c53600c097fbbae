import { X509Certificate } from "crypto";
import { CertificateSummary, parseCertificates, pemBlocks, summarizeCertificate } from "../pem";
import { ConfigError, shown } from "./fieldCheckers";
import { ConfigWarning } from "./resolved";

// The checks of a CA bundle an operator brings (`caCertPem`): what the gateway will trust for an outside host.

/** Why a certificate cannot be trusted at `now`, or undefined while it is within its validity. */
function outsideValidity({ notBefore, notAfter }: CertificateSummary, now: Date): string | undefined {
    if (now.getTime() > Date.parse(notAfter)) return `expired on ${notAfter}`;
    if (now.getTime() < Date.parse(notBefore)) return `is not valid before ${notBefore}`;
    return undefined;
}

/** A trust anchor is a CA (basicConstraints CA:TRUE) or a certificate that signed itself. */
function canAnchorTrust(certificate: X509Certificate): boolean {
    return certificate.ca || (certificate.checkIssued(certificate) && certificate.verify(certificate.publicKey));
}

function describe(summary: CertificateSummary, index: number): string {
    return `certificate ${index + 1} (${summary.subject})`;
}

/**
 * What the checks of one bundle found, apart from the field it was given in: its certificates' public facts, in order,
 * and why each one outside its validity is so. Kept per bundle text while one config is checked (`CheckedBundles`).
 */
interface CheckedBundle {
    summaries: readonly CertificateSummary[];
    untrustable: readonly string[];
}

/**
 * The bundles already checked while resolving one config, by their text, all at one `now` (a map serves one `now`
 * only). Destinations often share a bundle: several hosts of one partner signed by its CA, or a public root bundle,
 * whose parsing for every destination would cost more than all other checks (docs/certificates.md).
 */
export type CheckedBundles = Map<string, CheckedBundle>;

/** The checks of a bundle of PEM text, whose outcome does not depend on the field; a refusal names `field`. */
function checkBundle(value: string, field: string, now: Date): CheckedBundle {
    const blocks = pemBlocks(value);
    if (blocks.length === 0) throw new ConfigError(field, "is not a PEM certificate (no BEGIN CERTIFICATE block)");
    const armors = value.match(/-----BEGIN /g)?.length ?? 0;
    if (armors !== blocks.length) throw new ConfigError(field, `holds ${armors - blocks.length} PEM block(s) with no matching END line; only whole CERTIFICATE blocks belong here`);
    blocks.forEach((block, index) => {
        if (block.label === "CERTIFICATE") return;
        const what = block.label.includes("PRIVATE KEY") ? "a private key (remove it: it would be stored and shown in plain text)" : `labelled ${shown(block.label)}`;
        throw new ConfigError(field, `PEM block ${index + 1} of ${blocks.length} is ${what}, not a CERTIFICATE; only the CA's certificates belong here`);
    });
    let certificates: X509Certificate[];
    try {
        certificates = parseCertificates(value);
    } catch (error) {
        throw new ConfigError(field, `holds a PEM block that is not an X.509 certificate (${shown((error as Error).message)})`);
    }
    const summaries = certificates.map(summarizeCertificate);
    certificates.forEach((certificate, index) => {
        if (!canAnchorTrust(certificate)) {
            throw new ConfigError(field, `${describe(summaries[index], index)} is neither a CA (basicConstraints CA:TRUE) nor self-signed, so it cannot anchor trust; bring the CA that issued it`);
        }
    });
    const untrustable = summaries.flatMap((summary, index) => {
        const why = outsideValidity(summary, now);
        return why === undefined ? [] : [`${describe(summary, index)} ${why}`];
    });
    if (untrustable.length === certificates.length) {
        throw new ConfigError(field, `no certificate is valid now (${now.toISOString()}): ${untrustable.join("; ")}`);
    }
    return { summaries, untrustable };
}

/**
 * Checks a brought CA bundle: PEM CERTIFICATE blocks only (a pasted private key is refused without echoing it, before
 * it can reach an output or a Secret), each one a possible trust anchor, at least one within its validity at `now`.
 * Certificates outside their validity beside a valid one are kept, with a warning each: partners rotate CAs that way.
 * Returns the bundle with each certificate's public facts, in order (for the `certificates` output). A bundle already in
 * `checked` (the same text in an earlier field) is not parsed again; the warnings returned name this field.
 */
export function broughtCaCertificates(
    value: unknown,
    field: string,
    now: Date,
    checked: CheckedBundles = new Map(),
): { pem: string; summaries: readonly CertificateSummary[]; warnings: ConfigWarning[] } {
    if (typeof value !== "string") throw new ConfigError(field, "must be a string");
    let bundle = checked.get(value);
    if (bundle === undefined) {
        bundle = checkBundle(value, field, now);
        checked.set(value, bundle);
    }
    const warnings = bundle.untrustable.map((problem) => ({ field, message: `${problem}; the gateway trusts the others in the bundle` }));
    return { pem: value, summaries: bundle.summaries, warnings };
}
