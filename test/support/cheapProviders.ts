import { ProviderFn } from "./harness";

/**
 * Placeholder outputs for @pulumi/tls and @pulumi/random: strings that name the resource, made instantly. For tests about
 * the shape of the object graph, which need hundreds of runs and no cryptography (SimulatedProviders makes real keys).
 */
export const cheapProviders: ProviderFn = (type, name) => {
    switch (type) {
        case "tls:index/privateKey:PrivateKey":
            return { privateKeyPem: `placeholder key ${name}`, publicKeyPem: `placeholder public key ${name}` };
        case "tls:index/certRequest:CertRequest":
            return { certRequestPem: `placeholder request ${name}` };
        case "tls:index/selfSignedCert:SelfSignedCert":
        case "tls:index/locallySignedCert:LocallySignedCert":
            // A PEM text ends in a newline, as the provider's does: a trust bundle of one is then the certificate itself.
            return { certPem: `placeholder certificate ${name}\n` };
        case "random:index/randomId:RandomId":
            return { hex: "0123456789abcdef" };
        default:
            return undefined;
    }
};
