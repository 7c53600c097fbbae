import { ConfigError, dnsName, shown } from "./fieldCheckers";

// What a destination's host and its subjectAltNames may be, beyond being DNS names.

/**
 * Names Kubernetes gives Services (`<name>.<namespace>.svc.<cluster domain>`, the default domain `cluster.local`, and
 * the short `…svc` forms): they name something inside the cluster, not outside it.
 */
const CLUSTER_NAME = /(^|\.)(cluster\.local|svc)$|^[^.]+\.[^.]+\.svc\./;
/** Whether `host` is a name Kubernetes gives a Service (or a cluster domain): inside the cluster, not outside it. */
export function isClusterDomainName(host: string): boolean {
    return CLUSTER_NAME.test(host);
}

/** Bases that cover every Service of a cluster: `svc.<cluster domain>`, `svc`, or the default cluster domain itself. */
const WHOLE_CLUSTER_DOMAIN = /^(svc(\..+)?|cluster\.local)$/;

/**
 * The host of a destination without `server` names a service outside the cluster. Istio expands a host without dots
 * against the VirtualService's own namespace (`nginx` becomes `nginx.<namespace>.svc.cluster.local`), so a short name
 * would capture an in-cluster service for the whole mesh; `localhost` is the gateway itself; a cluster-domain name is
 * an in-cluster service, which takes `server`. A numeric last label is an address (or no public name at all).
 */
export function outsideHost(value: unknown, field: string): string {
    const host = dnsName(value, field);
    const labels = host.split(".");
    if (labels.length < 2) {
        throw new ConfigError(field, `${shown(host)} has one label; Istio would expand it against the routing namespace and capture an in-cluster service. Give the full DNS name of the outside host`);
    }
    if (/^[0-9]+$/.test(labels[labels.length - 1])) throw new ConfigError(field, `${shown(host)} ends in a numeric label, which no public DNS name does; use the DNS name its certificate carries`);
    if (labels[labels.length - 1] === "localhost") throw new ConfigError(field, `${shown(host)} is the gateway's own loopback name, not an outside host`);
    if (isClusterDomainName(host)) throw new ConfigError(field, `${shown(host)} is a cluster-domain name; an in-cluster destination needs server`);
    return host;
}

/**
 * A name the gateway accepts in the server's certificate, which also goes into the in-cluster server's certificate. A
 * wildcard stands for every name one label below its base, so its base must be a registered domain or deeper (two
 * labels at least) and never a whole cluster domain (`*.svc.cluster.local` would accept any Service's certificate).
 */
export function subjectAltName(value: unknown, field: string): string {
    const name = dnsName(value, field, true);
    if (!name.startsWith("*.")) return name;
    const base = name.slice(2);
    if (base.split(".").length < 2) throw new ConfigError(field, `${shown(name)} is a wildcard over a whole top-level domain; give a base of two labels or more`);
    if (WHOLE_CLUSTER_DOMAIN.test(base)) throw new ConfigError(field, `${shown(name)} is a wildcard over a whole cluster domain; name the services the gateway may reach`);
    return name;
}
