import { createHash } from "crypto";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { SignedKeyPair } from "./certificates";
import { ResolvedDestination, ResolvedServer } from "./config";
import { childName, fixedObjectChildNames, formerAliases, formerDestinationChildName, objectNames, PULUMI_TYPES, renamedFrom } from "./naming";
import { componentNamespace, ChildContext } from "./namespaces";
import { CA_CERT_KEY, renderNginxConf } from "./render/nginxConf";
import { renderServerDeployment, renderServerNamespaceLabels, renderServerService } from "./render/tlsServer";

/** The namespace of one or more in-cluster servers: outside the mesh, restricted Pod Security. */
export function serverNamespace(context: ChildContext, namespace: string): k8s.core.v1.Namespace {
    return componentNamespace(context, namespace, renderServerNamespaceLabels());
}

/** A digest of everything the server reads at start, so a new certificate or config rolls its pods. */
function serverChecksum(parts: pulumi.Input<string>[]): pulumi.Output<string> {
    return pulumi.all(parts).apply((texts) => createHash("sha256").update(texts.join("\0")).digest("hex"));
}

/** The walkthrough's nginx TLS server: its Secrets, ConfigMap, Deployment and Service. */
export function deployTlsServer(
    context: ChildContext,
    destination: ResolvedDestination & { server: ResolvedServer },
    namespace: k8s.core.v1.Namespace,
    certificate: SignedKeyPair,
): k8s.apps.v1.Deployment {
    const name = (suffix: string) => childName(context.component, destination.name, suffix);
    const metadata = (objectName: string) => ({ name: objectName, namespace: namespace.metadata.name, labels: context.labels });
    const opts = { parent: context.parent };
    const nginxConf = renderNginxConf(destination);
    const serverCerts = new k8s.core.v1.Secret(name("server-certs"), {
        metadata: metadata(objectNames.serverCertsSecret(destination)),
        type: "kubernetes.io/tls",
        stringData: { "tls.crt": certificate.certPem, "tls.key": certificate.keyPem },
    }, opts);
    const caCerts = new k8s.core.v1.Secret(name("ca-certs"), {
        metadata: metadata(objectNames.serverCaSecret(destination)),
        stringData: { [CA_CERT_KEY]: certificate.caCertPem },
    }, opts);
    const configMap = new k8s.core.v1.ConfigMap(name("configmap"), {
        metadata: metadata(objectNames.serverConfigMap(destination)),
        data: { "nginx.conf": nginxConf },
    }, opts);
    const checksum = serverChecksum([certificate.certPem, certificate.caCertPem, nginxConf]);
    // The Deployment and Service are named by `server`, not by the destination: so are their Pulumi names.
    const fixed = (suffix: string, type: string) => {
        const fixedName = fixedObjectChildNames.serverObject(context.component, destination.server, suffix);
        const formers = renamedFrom(formerDestinationChildName(context.component, destination, suffix), fixedName);
        return { fixedName, aliases: formerAliases(context.childUrnPrefix, { type, name: fixedName }, formers) };
    };
    const deploymentName = fixed("deployment", PULUMI_TYPES.deployment);
    const deployment = new k8s.apps.v1.Deployment(deploymentName.fixedName, {
        metadata: metadata(destination.server.name),
        spec: renderServerDeployment(destination, checksum),
    }, { ...opts, dependsOn: [serverCerts, caCerts, configMap], aliases: deploymentName.aliases });
    const serviceName = fixed("service", PULUMI_TYPES.service);
    new k8s.core.v1.Service(serviceName.fixedName, {
        metadata: { ...metadata(destination.server.name), labels: { ...context.labels, run: destination.server.name } },
        spec: renderServerService(destination),
    }, { ...opts, aliases: serviceName.aliases });
    return deployment;
}
