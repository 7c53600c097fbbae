import * as pulumi from "@pulumi/pulumi";
import { CertificateAuthority, EgressTlsOrigination, EgressTlsOriginationArgs } from "../../components";
import { MUTABILITY_SETTINGS } from "../../components/config/providerSettings";
import { readStackConfig } from "../../components/stackConfig";
import { stackConfig } from "./devStack";
import { OUTSIDE_CA_PEM, PARTNER } from "./fixtures";
import { ProgramRun, ProviderFn, runProgram } from "./harness";

/** The name the Pulumi program gives its component. */
export const COMPONENT = "egress-tls";

/** A stack file's component args (Pulumi.dev.yaml's by default), as the program reads them. */
export function devStackArgs(stackFile?: string): EgressTlsOriginationArgs {
    return readStackConfig(COMPONENT, stackConfig(stackFile)).args;
}

/** The dev stack's CA settings with ECDSA keys, which take microseconds to make where RSA takes a good part of a second. */
export function ecdsaCaArgs(): CertificateAuthority {
    return { ...devStackArgs().ca, algorithm: "ECDSA" };
}

/**
 * The dev stack plus every other kind of destination: a MUTUAL in-cluster server on a port other than 443, a MUTUAL
 * outside host (client certificate made here, server CA brought) and a SIMPLE outside host (nothing made here).
 */
export function everyKindOfDestinationArgs(ca?: EgressTlsOriginationArgs["ca"]): EgressTlsOriginationArgs {
    const dev = devStackArgs();
    return {
        ...dev,
        ca: ca ?? dev.ca,
        destinations: [
            ...dev.destinations,
            { name: "billing", host: "billing.payments.svc.cluster.local", port: 8443, mode: "MUTUAL", server: { namespace: "payments", name: "billing" } },
            { name: "bank", host: "api.bank.example.com", mode: "MUTUAL", caCertPem: OUTSIDE_CA_PEM },
            PARTNER,
        ],
    };
}

/**
 * Every kind of destination, and every optional part switched on: a gateway of its own, the verify Job, lockdown, and
 * allowed callers (a whole namespace and one service account) on the first destination.
 */
export function everythingArgs(): EgressTlsOriginationArgs {
    const args = everyKindOfDestinationArgs();
    const [first, ...others] = args.destinations;
    const destinations = [{ ...first, allowedFrom: [{ namespace: "apps" }, { namespace: "default", serviceAccount: "checkout" }] }, ...others];
    return {
        ...args,
        destinations,
        gateway: { ...args.gateway, namespace: "egress-gateway", deploy: true },
        verify: true,
        lockdown: { namespaces: ["default", "apps"] },
    };
}

/**
 * Every kind of destination through a gateway of `type`, at its default name and namespace. A waypoint's in-cluster
 * servers get hosts outside the cluster domain (`<server>.example.com`), as a waypoint's ServiceEntry needs.
 */
export function gatewayTypeArgs(type: string, ca?: EgressTlsOriginationArgs["ca"]): EgressTlsOriginationArgs {
    const args = everyKindOfDestinationArgs(ca);
    if (type === "istio") return args;
    const destinations = args.destinations.map((d) => (type === "waypoint" && d.server ? { ...d, host: `${d.server.name}.example.com` } : d));
    return { ...args, destinations, gateway: { type } };
}

/** The stack config of a stack set up as docs/reuse.md asks: Secrets and ConfigMaps change in place. */
export const MUTABLE_KUBERNETES_CONFIG: { [key: string]: string } = Object.fromEntries(MUTABILITY_SETTINGS.map(({ key }) => [`kubernetes:${key}`, "true"]));

/**
 * Runs one `EgressTlsOrigination` named `COMPONENT` under the mocks, in a stack whose `config` (default: the Kubernetes
 * provider settings docs/reuse.md asks for) the component reads.
 */
export async function runComponent(args: EgressTlsOriginationArgs, provider: ProviderFn, config = MUTABLE_KUBERNETES_CONFIG): Promise<ProgramRun> {
    pulumi.runtime.setAllConfig(config);
    try {
        return await runProgram(() => new EgressTlsOrigination(COMPONENT, args), provider);
    } finally {
        pulumi.runtime.setAllConfig({});
    }
}
