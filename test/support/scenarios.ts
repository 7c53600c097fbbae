import { EgressTlsOrigination, EgressTlsOriginationArgs } from "../../components";
import { readStackConfig } from "../../components/stackConfig";
import { stackConfig } from "./devStack";
import { OUTSIDE_CA_PEM } from "./fixtures";
import { ProgramRun, ProviderFn, runProgram } from "./harness";

/** The name the Pulumi program gives its component. */
export const COMPONENT = "egress-tls";

/** Pulumi.dev.yaml's component args, as the program reads them. */
export function devStackArgs(): EgressTlsOriginationArgs {
    return readStackConfig(COMPONENT, stackConfig()).args;
}

/**
 * The dev stack plus every other kind of destination: a MUTUAL in-cluster server on a port other than 443, a MUTUAL
 * outside host (client certificate made here, server CA brought) and a SIMPLE outside host (nothing made here).
 */
export function everyKindOfDestinationArgs(ca: EgressTlsOriginationArgs["ca"] = devStackArgs().ca): EgressTlsOriginationArgs {
    const dev = devStackArgs();
    return {
        ...dev,
        ca,
        destinations: [
            ...dev.destinations,
            { name: "billing", host: "billing.payments.svc.cluster.local", port: 8443, mode: "MUTUAL", server: { namespace: "payments", name: "billing" } },
            { name: "bank", host: "api.bank.example.com", mode: "MUTUAL", caCertPem: OUTSIDE_CA_PEM },
            { name: "partner", host: "api.partner.example.org", caCertPem: OUTSIDE_CA_PEM },
        ],
    };
}

/** Every kind of destination, and every optional part switched on: a gateway of its own, the verify Job, lockdown. */
export function everythingArgs(): EgressTlsOriginationArgs {
    const args = everyKindOfDestinationArgs();
    return {
        ...args,
        gateway: { ...args.gateway, namespace: "egress-gateway", deploy: true },
        verify: true,
        lockdown: { namespaces: ["default", "apps"] },
    };
}

/** Runs one `EgressTlsOrigination` named `COMPONENT` under the mocks. */
export function runComponent(args: EgressTlsOriginationArgs, provider: ProviderFn): Promise<ProgramRun> {
    return runProgram(() => new EgressTlsOrigination(COMPONENT, args), provider);
}
