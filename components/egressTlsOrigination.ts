import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { EgressTlsOriginationArgs } from "./args";
import { broughtCertificates, certificateReport, expiryWarnings, inDestinationOrder, madeCertificate, ReportedCertificate } from "./certificateReport";
import { issueCertificates } from "./certificates";
import { resolveConfig } from "./config";
import { claimInstanceNames } from "./config/instanceClaims";
import { gatewayRendering } from "./gateways";
import { childName, commonLabels, COMPONENT_TYPE, objectNames, topLevelChildUrnPrefix } from "./naming";
import { CertificateSummary } from "./pem";
import { warnUnlessSecretsMutable } from "./providerCheck";
import { unguardedCallerPolicyWarning } from "./render/authorization";
import { CheckCommands, renderCheckCommands } from "./render/checkCommands";
import { renderLockdownPolicy } from "./render/lockdown";
import { deployTlsServer, serverNamespace } from "./tlsServer";
import { verifyDestinations } from "./verify";

/**
 * The children's URN prefix when it is known without waiting for the engine: at the top of its stack, it follows from
 * the stack, the project and the component's type. Nested in another component it is not known yet; and a component
 * with aliases of its own (renamed or moved) leaves its children's aliases to the engine, which completes a spec with
 * the component's old URN where it was found through an alias (step_generator.go `collapseAliasToUrn`).
 */
function childUrnPrefix(opts?: pulumi.ComponentResourceOptions): string | undefined {
    if (opts?.parent !== undefined && opts.parent !== pulumi.runtime.getStackResource()) return undefined;
    if ((opts?.aliases?.length ?? 0) > 0) return undefined;
    return topLevelChildUrnPrefix(pulumi.getStack(), pulumi.getProject(), COMPONENT_TYPE);
}

/**
 * Istio TLS origination for egress traffic through an egress gateway, with SDS credentials, for several destinations
 * at once. Each destination gets its own CA, credential Secret, gateway subset and origination rule; a destination with
 * `server` also gets an in-cluster nginx TLS server standing in for the external service.
 */
export class EgressTlsOrigination extends pulumi.ComponentResource {
    /** Each destination's CA certificate (PEM, public), which the gateway trusts: made by the component, or brought as `caCertPem`. */
    public readonly caCertificates: pulumi.Output<{ [destination: string]: string }>;
    /**
     * For each MUTUAL destination, the CA (PEM, public) that signed the gateway's client certificate. An outside
     * MUTUAL service must trust it; an in-cluster server already does.
     */
    public readonly clientCaCertificates: pulumi.Output<{ [destination: string]: string }>;
    /** Each destination's credential Secret, as `namespace/name`. */
    public readonly credentialSecrets: pulumi.Output<{ [destination: string]: string }>;
    /**
     * For each destination, each certificate it trusts or presents (`ca-<generation>`, `server`, `client`,
     * `caCertPem[<i>]`): subject, SHA-256 fingerprint, notBefore and notAfter. Public facts only, never key material.
     */
    public readonly certificates: pulumi.Output<{ [destination: string]: { [certificate: string]: CertificateSummary } }>;
    /** Each destination's check: a curl from a sidecar-injected client and the gateway log grep. */
    public readonly checkCommands: pulumi.Output<{ [destination: string]: CheckCommands }>;

    constructor(name: string, args: EgressTlsOriginationArgs, opts?: pulumi.ComponentResourceOptions) {
        const config = resolveConfig(args);
        claimInstanceNames(name, config);
        super(COMPONENT_TYPE, name, {}, opts);
        warnUnlessSecretsMutable(this);
        const labels = commonLabels(name);
        const parent = this;
        const aliasPrefix = childUrnPrefix(opts);

        const issueContext = { component: name, parent, childUrnPrefix: aliasPrefix, ca: config.ca };
        for (const warning of config.warnings) pulumi.log.warn(`${warning.field}: ${warning.message}`, this);

        const namespaces = new Map<string, k8s.core.v1.Namespace>();
        const childContext = { component: name, parent, childUrnPrefix: aliasPrefix, labels };
        const rendering = gatewayRendering(config.gateway);
        const gateway = rendering.declare({ ...childContext, config });

        const caCertificates: { [destination: string]: pulumi.Input<string> } = {};
        const clientCaCertificates: { [destination: string]: pulumi.Output<string> } = {};
        const credentialSecrets: { [destination: string]: string } = {};
        // Brought certificates' facts are known now; made ones' once their PEM is.
        const knownCertificates: ReportedCertificate[] = [];
        const madeCertificates: pulumi.Output<ReportedCertificate[]>[] = [];
        const verifyAfter: pulumi.Resource[] = [];
        for (const destination of config.destinations) {
            const certificates = issueCertificates(issueContext, destination, config.gateway);
            caCertificates[destination.name] = certificates.trustedCaPem;
            knownCertificates.push(...broughtCertificates(destination));
            madeCertificates.push(...certificates.made.map(({ name: certificate, pem }) => pem.apply((text) => madeCertificate(destination.name, certificate, text))));
            if (certificates.client) clientCaCertificates[destination.name] = certificates.client.caCertPem;
            const { server } = destination;
            if (server && certificates.server) {
                if (!namespaces.has(server.namespace)) namespaces.set(server.namespace, serverNamespace(childContext, server.namespace));
                verifyAfter.push(deployTlsServer(childContext, { ...destination, server }, namespaces.get(server.namespace)!, certificates.server));
            }
            verifyAfter.push(...gateway.route(destination, certificates));
            credentialSecrets[destination.name] = `${config.gateway.namespace}/${objectNames.credentialSecret(destination)}`;
        }

        for (const namespace of config.lockdown?.namespaces ?? []) {
            new k8s.networking.v1.NetworkPolicy(childName(name, "lockdown", namespace), {
                metadata: { name: objectNames.lockdownPolicy(config), namespace, labels },
                spec: renderLockdownPolicy(config.lockdown!, config.gateway),
            }, { parent });
        }
        const bypassWarning = unguardedCallerPolicyWarning(config);
        if (bypassWarning !== undefined) void pulumi.log.warn(bypassWarning, this);
        if (config.verify) verifyDestinations({ ...childContext, config }, rendering.client, verifyAfter);

        this.caCertificates = pulumi.output(caCertificates);
        this.clientCaCertificates = pulumi.output(clientCaCertificates);
        this.credentialSecrets = pulumi.output(credentialSecrets);
        const reported = madeCertificates.length === 0
            ? pulumi.output(knownCertificates)
            : pulumi.all(madeCertificates).apply((made) => inDestinationOrder(config.destinations, [...made.flat(), ...knownCertificates]));
        // Logged whenever the certificates are known: at every preview and up of a deployed stack, before anything changes.
        this.certificates = reported.apply((all) => {
            for (const warning of expiryWarnings(all, config.ca.earlyRenewalHours, new Date())) pulumi.log.warn(warning, this);
            return certificateReport(all);
        });
        this.checkCommands = pulumi.output(Object.fromEntries(config.destinations.map((d) => [d.name, renderCheckCommands(config, d)])));
        this.registerOutputs({
            caCertificates: this.caCertificates,
            clientCaCertificates: this.clientCaCertificates,
            credentialSecrets: this.credentialSecrets,
            certificates: this.certificates,
            checkCommands: this.checkCommands,
        });
    }
}
