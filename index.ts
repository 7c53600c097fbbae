import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { EgressTlsOrigination } from "./components";
import { keepConfigSecrets, readStackConfig } from "./components/stackConfig";

const settings = readStackConfig(pulumi.getProject());
const secretOutput = keepConfigSecrets(settings);

/** With `renderYamlTo`, manifests are written to that folder and nothing is applied to a cluster. */
function renderYamlProvider(directory: string): k8s.Provider {
    pulumi.log.warn(`renderYamlTo: writing manifests to ${directory} instead of applying them; `
        + "its Secrets, private keys included, are written there in plain text: keep the folder out of version control");
    return new k8s.Provider("render-yaml", { renderYamlToDirectory: directory });
}

const provider = settings.renderYamlTo ? renderYamlProvider(settings.renderYamlTo) : undefined;
const egress = new EgressTlsOrigination("egress-tls", settings.args, { providers: provider ? [provider] : [] });

export const caCertificates = secretOutput(egress.caCertificates);
export const clientCaCertificates = secretOutput(egress.clientCaCertificates);
export const credentialSecrets = secretOutput(egress.credentialSecrets);
export const checkCommands = secretOutput(egress.checkCommands);
