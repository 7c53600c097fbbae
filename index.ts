import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { EgressTlsOrigination } from "./components";
import { keepConfigSecrets, readStackConfig } from "./components/stackConfig";

const settings = readStackConfig(pulumi.getProject());
const secretOutput = keepConfigSecrets(settings);

/**
 * In a render stack, manifests are written under `directory` and nothing is applied: Namespaces to `0-namespaces/`,
 * everything else to `1-objects/`, so `kubectl apply -R -f <directory>` (which walks the folder in name order) creates
 * each namespace before what goes into it. `alwaysRender` rewrites every file on every run, so the folder always holds
 * the whole configuration, not only what changed.
 */
function renderOptions(directory: string): pulumi.ComponentResourceOptions {
    pulumi.log.warn(`render stack: writing manifests to ${directory} instead of applying them; `
        + "its Secrets, private keys included, are written there in plain text: keep the folder out of version control");
    const renderer = (name: string, folder: string) => new k8s.Provider(name, { renderYamlToDirectory: `${directory}/${folder}`, alwaysRender: true });
    const namespaces = renderer("render-namespaces", "0-namespaces");
    const objects = renderer("render-objects", "1-objects");
    return {
        providers: [objects],
        transformations: [(resource) => (resource.type === "kubernetes:core/v1:Namespace" ? { props: resource.props, opts: { ...resource.opts, provider: namespaces } } : undefined)],
    };
}

const egress = new EgressTlsOrigination("egress-tls", settings.args, settings.renderYamlTo ? renderOptions(settings.renderYamlTo) : {});

export const caCertificates = secretOutput(egress.caCertificates);
export const clientCaCertificates = secretOutput(egress.clientCaCertificates);
export const credentialSecrets = secretOutput(egress.credentialSecrets);
export const checkCommands = secretOutput(egress.checkCommands);
export const certificates = secretOutput(egress.certificates);
