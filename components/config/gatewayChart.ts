import { ConfigError, shown } from "./fieldCheckers";

/**
 * The first `istio/gateway` chart of each Istio minor whose values.schema.json the Helm inside pulumi-kubernetes accepts.
 * Helm 3.18.5 brought a stricter JSON schema validator that refuses every older chart's schema ("additional properties
 * ... not allowed"); the provider bundles a newer Helm (helm.sh/helm/v3 v3.20.2 in provider/go.mod). Istio fixed the
 * schema in 1.25.5, 1.26.4 and 1.27.1 (istio/istio#57354, in those releases' notes); 1.24 and older never got the fix.
 */
export const FIRST_SCHEMA_FIXED_CHART: { [minor: number]: number } = { 25: 5, 26: 4, 27: 1 };
const FIRST_FIXED_MINOR = 25;
const ALWAYS_FIXED_FROM_MINOR = 28;

const MAJOR_MINOR_PATCH = /^(\d+)\.(\d+)\.(\d+)/;

/** Refuses a chart version the bundled Helm cannot install; `version` is already an exact semver (pinning.ts). */
export function checkGatewayChartVersion(version: string, field: string): string {
    const [major, minor, patch] = MAJOR_MINOR_PATCH.exec(version)!.slice(1).map(Number);
    if (major > 1 || (major === 1 && minor >= ALWAYS_FIXED_FROM_MINOR)) return version;
    const firstFixed = FIRST_SCHEMA_FIXED_CHART[minor];
    if (major < 1 || minor < FIRST_FIXED_MINOR || patch < firstFixed) {
        const lowest = major < 1 || minor < FIRST_FIXED_MINOR ? `1.${FIRST_FIXED_MINOR}.${FIRST_SCHEMA_FIXED_CHART[FIRST_FIXED_MINOR]}` : `1.${minor}.${firstFixed}`;
        throw new ConfigError(field, `${shown(version)}: its values.schema.json is refused by the Helm that pulumi-kubernetes bundles (istio/istio#57354); use ${lowest} or newer`);
    }
    return version;
}
