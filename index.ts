import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { EgressTlsOrigination } from "./components";
import { readStackConfig } from "./components/stackConfig";

const settings = readStackConfig(pulumi.getProject());
const provider = settings.renderYamlTo
    ? new k8s.Provider("render-yaml", { renderYamlToDirectory: settings.renderYamlTo })
    : undefined;
const egress = new EgressTlsOrigination("egress-tls", settings.args, { providers: provider ? [provider] : [] });

export const caCertificates = egress.caCertificates;
export const clientCaCertificates = egress.clientCaCertificates;
export const credentialSecrets = egress.credentialSecrets;
export const checkCommands = egress.checkCommands;
