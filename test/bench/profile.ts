import { writeFileSync } from "fs";
import { Session } from "inspector";
import { EgressTlsOrigination } from "../../components";
import { MUTABILITY_SETTINGS } from "../../components/config/providerSettings";
import { cheapProviders } from "../support/cheapProviders";
import { runProgram } from "../support/harness";
import { COMPONENT } from "../support/scenarios";
import { DESTINATION_KINDS, DestinationKind, scenario } from "./scenarios";

// Profiles one of the benchmark's programs alone, for "profile before you explain" (docs/benchmark.md):
// `node --require ts-node/register/transpile-only test/bench/profile.ts <scenario> <kind> <count> <component|direct> <evaluations> <file.cpuprofile>`
// It evaluates the program twice to warm up, then profiles `evaluations` more and writes a V8 CPU profile (open it in
// Chrome DevTools, or compare two programs' self times by function). Start-up and module loading are left out.

for (const { env } of MUTABILITY_SETTINGS) process.env[env] = "true";

const PROGRAMS = ["component", "direct"] as const;

function post(session: Session, method: string): Promise<any> {
    return new Promise((resolve, reject) => session.post(method, (error, result) => (error ? reject(error) : resolve(result))));
}

async function profile(program: () => unknown, evaluations: number, file: string): Promise<number> {
    await runProgram(program, cheapProviders);
    await runProgram(program, cheapProviders);
    const session = new Session();
    session.connect();
    await post(session, "Profiler.enable");
    await post(session, "Profiler.start");
    const start = process.hrtime.bigint();
    for (let i = 0; i < evaluations; i++) await runProgram(program, cheapProviders);
    const msPerEvaluation = Number(process.hrtime.bigint() - start) / 1e6 / evaluations;
    writeFileSync(file, JSON.stringify((await post(session, "Profiler.stop")).profile));
    session.disconnect();
    return msPerEvaluation;
}

const [scenarioName, kind, count, which, evaluations, file] = process.argv.slice(2);
if (!DESTINATION_KINDS.includes(kind as DestinationKind) || !PROGRAMS.includes(which as any) || !(Number(evaluations) > 0) || !file) {
    throw new Error(`usage: profile.ts <scenario> <${DESTINATION_KINDS.join("|")}> <count> <${PROGRAMS.join("|")}> <evaluations> <file.cpuprofile>`);
}
const { destinations, args, direct } = scenario(scenarioName);
const made = destinations(kind as DestinationKind, Number(count));
const componentArgs = args(made);
const program = which === "component" ? () => new EgressTlsOrigination(COMPONENT, componentArgs) : () => direct(made);
profile(program, Number(evaluations), file).then((ms) => console.log(`${which}: ${ms.toFixed(1)} ms per evaluation; profile in ${file}`));
