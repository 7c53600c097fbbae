import { createHash } from "crypto";
import { readFileSync } from "fs";
import * as path from "path";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import * as tls from "@pulumi/tls";
import { parse } from "yaml";
import type { BenchDestination } from "../scenarios";
import { fillIn } from "./template";

// The benchmark's destinations with an Istio egress gateway, declared by hand as a user would without the component:
// the objects are written out in istio.yaml; here they are declared with the same inputs, the same output wiring
// (certificates into Secrets, the namespace's name into its objects) and dependsOn where the order matters. Nothing
// here calls the component's code (validation, naming, renderers), so none of its cost is hidden in this program.

const OBJECTS = parse(readFileSync(path.join(__dirname, "istio.yaml"), "utf8"), { merge: true });

type Resource = pulumi.Resource;

function istioObject(name: string, object: any, dependsOn: Resource[] = []): k8s.apiextensions.CustomResource {
    return new k8s.apiextensions.CustomResource(name, object, { dependsOn });
}

/** A CA of its own and a server certificate for the host, as the walkthrough's openssl commands make them. */
function serverCertificates(destination: BenchDestination) {
    const { name } = destination;
    const key = (keyName: string) => new tls.PrivateKey(keyName, OBJECTS.privateKey);
    const caKey = key(`${name}-ca-key`);
    const caCert = new tls.SelfSignedCert(`${name}-ca-cert`, { ...OBJECTS.caCertificate, privateKeyPem: caKey.privateKeyPem });
    const serverKey = key(`${name}-server-key`);
    const request = new tls.CertRequest(`${name}-server-csr`, { ...fillIn(OBJECTS.serverCertificateRequest, destination), privateKeyPem: serverKey.privateKeyPem });
    const serverCert = new tls.LocallySignedCert(`${name}-server-cert`, {
        ...OBJECTS.serverCertificate,
        certRequestPem: request.certRequestPem,
        caPrivateKeyPem: caKey.privateKeyPem,
        caCertPem: caCert.certPem,
    });
    return { caCertPem: caCert.certPem, certPem: serverCert.certPem, keyPem: serverKey.privateKeyPem };
}

/** The walkthrough's nginx: its Secrets and ConfigMap, then the Deployment that mounts them, and its Service. */
function nginxServer(destination: BenchDestination, namespace: k8s.core.v1.Namespace, certificates: ReturnType<typeof serverCertificates>): Resource {
    const { name } = destination;
    const inNamespace = (object: any) => ({ ...object, metadata: { ...object.metadata, namespace: namespace.metadata.name } });
    const serverCerts = new k8s.core.v1.Secret(`${name}-server-certs`, {
        ...inNamespace(fillIn(OBJECTS.serverCertsSecret, destination)),
        stringData: { "tls.crt": certificates.certPem, "tls.key": certificates.keyPem },
    });
    const caCerts = new k8s.core.v1.Secret(`${name}-ca-certs`, {
        ...inNamespace(fillIn(OBJECTS.serverCaSecret, destination)),
        stringData: { "ca.crt": certificates.caCertPem },
    });
    const configMap = fillIn(OBJECTS.serverConfigMap, destination);
    const configMapResource = new k8s.core.v1.ConfigMap(`${name}-configmap`, inNamespace(configMap));
    const checksum = pulumi.all([certificates.certPem, certificates.caCertPem, configMap.data["nginx.conf"]])
        .apply((texts) => createHash("sha256").update(texts.join("\0")).digest("hex"));
    const deployment = fillIn(OBJECTS.serverDeployment, destination);
    deployment.spec.template.metadata.annotations = { "egress-tls.dev/config-checksum": checksum };
    const server = new k8s.apps.v1.Deployment(`${name}-deployment`, inNamespace(deployment), { dependsOn: [serverCerts, caCerts, configMapResource] });
    new k8s.core.v1.Service(`${name}-service`, inNamespace(fillIn(OBJECTS.serverService, destination)));
    return server;
}

/** The credential the gateway loads, its origination rule, its subset, and the route through it, routed last. */
function routeThroughGateway(destination: BenchDestination, gateway: Resource, trustedCaPem: pulumi.Input<string>): void {
    const { name } = destination;
    const credential = new k8s.core.v1.Secret(`${name}-credential`, { ...fillIn(OBJECTS.credentialSecret, destination), stringData: { "ca.crt": trustedCaPem } });
    const origination = istioObject(`${name}-originate-tls`, fillIn(OBJECTS.originationRule, destination), [credential]);
    const subset = istioObject(`${name}-gateway-subset`, fillIn(OBJECTS.gatewaySubset, destination));
    const serviceEntry = destination.caCertPem ? [istioObject(`${name}-service-entry`, fillIn(OBJECTS.serviceEntry, destination))] : [];
    istioObject(`${name}-virtual-service`, fillIn(OBJECTS.virtualService, destination), [gateway, subset, origination, ...serviceEntry]);
}

export function declareIstioDirectly(destinations: BenchDestination[]): void {
    const gatewayObject = structuredClone(OBJECTS.gateway);
    gatewayObject.spec.servers[0].hosts = destinations.map((d) => d.host);
    const gateway = istioObject("gateway", gatewayObject);
    const inCluster = destinations.some((d) => !d.caCertPem);
    const namespace = inCluster ? new k8s.core.v1.Namespace("mesh-external", OBJECTS.serverNamespace) : undefined;
    for (const destination of destinations) {
        if (destination.caCertPem) {
            routeThroughGateway(destination, gateway, destination.caCertPem);
        } else {
            const certificates = serverCertificates(destination);
            nginxServer(destination, namespace!, certificates);
            routeThroughGateway(destination, gateway, certificates.caCertPem);
        }
    }
}
