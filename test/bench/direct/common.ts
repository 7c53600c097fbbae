import { createHash } from "crypto";
import { readFileSync } from "fs";
import * as path from "path";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import * as tls from "@pulumi/tls";
import { parse } from "yaml";
import type { BenchDestination } from "../scenarios";
import { fillIn } from "./template";

// What the hand-written programs (istio.ts, gatewayApi.ts, waypoint.ts) share, as a user with several gateway types
// would factor it: the objects in common.yaml, and for in-cluster destinations the walkthrough's nginx TLS server with a
// CA and a server certificate of its own. Nothing here calls the component's code either.

/** common.yaml followed by `file` (a gateway type's, if any), parsed as one document so its objects use common.yaml's anchors. */
export function readObjects(file?: string): any {
    const text = ["common.yaml", ...(file ? [file] : [])].map((name) => readFileSync(path.join(__dirname, name), "utf8")).join("\n");
    return parse(text, { merge: true });
}

const COMMON = readObjects();

export function customResource(name: string, object: any, dependsOn: pulumi.Resource[] = []): k8s.apiextensions.CustomResource {
    return new k8s.apiextensions.CustomResource(name, object, { dependsOn });
}

/** `object` in `namespace`, its name taken from the Namespace resource so the object waits for it. */
export function inNamespace(object: any, namespace: k8s.core.v1.Namespace): any {
    return { ...object, metadata: { ...object.metadata, namespace: namespace.metadata.name } };
}

/** A CA of its own and a server certificate for the host, as the walkthrough's openssl commands make them. */
function serverCertificates(destination: BenchDestination) {
    const { name } = destination;
    const key = (keyName: string) => new tls.PrivateKey(keyName, COMMON.privateKey);
    const caKey = key(`${name}-ca-key`);
    const caCert = new tls.SelfSignedCert(`${name}-ca-cert`, { ...COMMON.caCertificate, privateKeyPem: caKey.privateKeyPem });
    const serverKey = key(`${name}-server-key`);
    const request = new tls.CertRequest(`${name}-server-csr`, { ...fillIn(COMMON.serverCertificateRequest, destination), privateKeyPem: serverKey.privateKeyPem });
    const serverCert = new tls.LocallySignedCert(`${name}-server-cert`, {
        ...COMMON.serverCertificate,
        certRequestPem: request.certRequestPem,
        caPrivateKeyPem: caKey.privateKeyPem,
        caCertPem: caCert.certPem,
    });
    return { caCertPem: caCert.certPem, certPem: serverCert.certPem, keyPem: serverKey.privateKeyPem };
}

/** The walkthrough's nginx: its Secrets and ConfigMap, then the Deployment that mounts them, and its Service. */
function nginxServer(destination: BenchDestination, namespace: k8s.core.v1.Namespace, certificates: ReturnType<typeof serverCertificates>): void {
    const { name } = destination;
    const serverCerts = new k8s.core.v1.Secret(`${name}-server-certs`, {
        ...inNamespace(fillIn(COMMON.serverCertsSecret, destination), namespace),
        stringData: { "tls.crt": certificates.certPem, "tls.key": certificates.keyPem },
    });
    const caCerts = new k8s.core.v1.Secret(`${name}-ca-certs`, {
        ...inNamespace(fillIn(COMMON.serverCaSecret, destination), namespace),
        stringData: { "ca.crt": certificates.caCertPem },
    });
    const configMap = fillIn(COMMON.serverConfigMap, destination);
    const configMapResource = new k8s.core.v1.ConfigMap(`${name}-configmap`, inNamespace(configMap, namespace));
    const checksum = pulumi.all([certificates.certPem, certificates.caCertPem, configMap.data["nginx.conf"]])
        .apply((texts) => createHash("sha256").update(texts.join("\0")).digest("hex"));
    const deployment = fillIn(COMMON.serverDeployment, destination);
    deployment.spec.template.metadata.annotations = { "egress-tls.dev/config-checksum": checksum };
    new k8s.apps.v1.Deployment(`${name}-deployment`, inNamespace(deployment, namespace), { dependsOn: [serverCerts, caCerts, configMapResource] });
    new k8s.core.v1.Service(`${name}-service`, inNamespace(fillIn(COMMON.serverService, destination), namespace));
}

/**
 * The CA the gateway trusts for each destination: an outside one's own (`caCertPem`); for an in-cluster one, the CA of
 * the nginx server declared for it here, in the namespace `mesh-external` (created once, if any destination needs it).
 */
export function trustedCas(destinations: BenchDestination[]): pulumi.Input<string>[] {
    const inCluster = destinations.some((d) => !d.caCertPem);
    const namespace = inCluster ? new k8s.core.v1.Namespace("mesh-external", COMMON.serverNamespace) : undefined;
    const cas: pulumi.Input<string>[] = [];
    for (const destination of destinations) {
        if (destination.caCertPem) {
            cas.push(destination.caCertPem);
            continue;
        }
        const certificates = serverCertificates(destination);
        nginxServer(destination, namespace!, certificates);
        cas.push(certificates.caCertPem);
    }
    return cas;
}

/**
 * The credential the gateway loads (the CA it trusts for the destination: `credentialSecret`, in `namespace` if given)
 * and the rule that originates TLS with it (`originationRule`), applied once the Secret exists.
 */
export function originateTls(destination: BenchDestination, objects: any, trustedCaPem: pulumi.Input<string>, namespace?: k8s.core.v1.Namespace): k8s.apiextensions.CustomResource {
    const { name } = destination;
    const secret = fillIn(objects.credentialSecret, destination);
    const credential = new k8s.core.v1.Secret(`${name}-credential`, { ...(namespace ? inNamespace(secret, namespace) : secret), stringData: { "ca.crt": trustedCaPem } });
    return customResource(`${name}-originate-tls`, fillIn(objects.originationRule, destination), [credential]);
}
