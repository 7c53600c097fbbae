import * as assert from "assert";
import { readFileSync } from "fs";
import * as path from "path";
import { parse } from "yaml";
import { resolveConfig } from "../components";
import { readStackConfig } from "../components/stackConfig";
import { cliConfig } from "./support/devStack";
import { OUTSIDE_CA_PEM } from "./support/fixtures";
import { REPO_ROOT } from "./support/repoPaths";

/** The first YAML block after `heading` in README.md. */
function yamlBlockAfter(heading: string): string {
    const readme = readFileSync(path.join(REPO_ROOT, "README.md"), "utf8");
    const section = readme.slice(readme.indexOf(heading));
    const block = /```yaml\n([\s\S]*?)```/.exec(section);
    assert.ok(readme.includes(heading) && block, `README.md has a YAML block under "${heading}"`);
    return block[1];
}

describe("README's configuration example", () => {
    it("is a stack config the program accepts, once its elided CA is a real one", () => {
        const { config } = parse(yamlBlockAfter("## Configure")) as { config: { [key: string]: any } };
        const partner = config["egress-tls:destinations"].find((d: { caCertPem?: string }) => d.caCertPem !== undefined);
        assert.match(partner.caCertPem, /BEGIN CERTIFICATE-----\n\.\.\.\n$/, "the example elides its CA, and only that");
        partner.caCertPem = OUTSIDE_CA_PEM;
        const all = Object.fromEntries(Object.entries(config).map(([key, value]) => [key, cliConfig(value)]));
        const settings = readStackConfig("egress-tls", all, () => false, "dev", {});
        const resolved = resolveConfig(settings.args);
        assert.deepStrictEqual(resolved.destinations.map((d) => [d.name, d.mode, d.allowedFrom?.map((c) => c.namespace)]), [
            ["nginx", "SIMPLE", undefined],
            ["partner", "MUTUAL", ["payments"]],
        ]);
        assert.deepStrictEqual(resolved.lockdown?.namespaces, ["default", "payments"]);
    });
});
