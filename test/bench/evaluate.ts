import * as k8s from "@pulumi/kubernetes";
import { PerformanceObserver } from "perf_hooks";
import { EgressTlsOrigination } from "../../components";
import { MUTABILITY_SETTINGS } from "../../components/config/providerSettings";
import { cheapProviders } from "../support/cheapProviders";
import { runProgram } from "../support/harness";
import { COMPONENT } from "../support/scenarios";
import { REPO_ROOT } from "../support/repoPaths";
import { measuredCodeDigest } from "./measuredCode";
import { Measurement, median, PROGRAM_KINDS, ProgramFigures, ProgramKind, RoundPlan } from "./measurement";
import { DESTINATION_KINDS, DestinationKind, scenario } from "./scenarios";

// One benchmark process, run by main.ts: `evaluate.ts <scenario> <destination kind> <count> <min> <max> <budget ms>`
// (measurement.ts evaluationArguments; rounds as its RoundPlan says). It evaluates
// three programs under the SDK's mocks (cheap tls/random outputs: program evaluation, not key generation):
// - component: an EgressTlsOrigination with `count` destinations;
// - direct: the same resources declared by hand, without the component (the scenario's `direct`; test/benchDirect.test.ts);
// - bare: as many plain ConfigMaps as the component registers resources.
// Each is evaluated once to warm up; then, round after round, each once more in turn (the order rotating), so load
// from elsewhere on the machine falls on all three alike and each round's ratios compare like with like. bare, which
// is information only, takes part in the first BARE_ROUNDS rounds; the time goes to more rounds of the other two.
// Warm-up: the component at full size (its resource count sizes bare, and the heap grows to what the
// timed evaluations need), direct and bare at WARM_UP_DESTINATIONS' size at most (their code compiled and loaded, at a
// tenth of the cost at N = 100, where warming all three at full size was a quarter of a row's time).

// A deployed stack sets the provider's mutability (docs/upgrading.md); without it the component warns on every
// evaluation, a cost no user's stack pays, which would be charged to the component alone.
for (const { env } of MUTABILITY_SETTINGS) process.env[env] = "true";

const BARE_ROUNDS = 3;
const WARM_UP_DESTINATIONS = 10;

/** The bare program's resource: a plain ConfigMap. */
export function bareConfigMap(i: number): k8s.core.v1.ConfigMap {
    return new k8s.core.v1.ConfigMap(`cm-${i}`, { metadata: { name: `cm-${i}`, namespace: "default" }, data: { key: "value" } });
}

interface Sample {
    resources: number;
    wallMs: number;
    gcMs: number;
}

let gcMs = 0;
new PerformanceObserver((entries) => entries.getEntries().forEach((entry) => { gcMs += entry.duration; })).observe({ entryTypes: ["gc"] });

async function evaluateOnce(program: () => unknown): Promise<Sample> {
    const gcBefore = gcMs;
    const start = process.hrtime.bigint();
    const run = await runProgram(program, cheapProviders);
    const wallMs = Number(process.hrtime.bigint() - start) / 1e6;
    await new Promise((resolve) => setTimeout(resolve, 10)); // the observer hears of the last pauses a turn later
    return { resources: run.registrations.length, wallMs, gcMs: gcMs - gcBefore };
}

async function measure(scenarioName: string, kind: DestinationKind, count: number, plan: RoundPlan): Promise<Measurement> {
    const { destinations: makeDestinations, args, direct } = scenario(scenarioName);
    // Inputs are made once, outside the timed evaluations, as a hand-written program has them in its source.
    const destinations = makeDestinations(kind, count);
    const componentArgs = args(destinations);
    const programs: { [kind in ProgramKind]: () => unknown } = {
        component: () => new EgressTlsOrigination(COMPONENT, componentArgs),
        direct: () => direct(destinations),
        bare: () => undefined,
    };
    const bare = (resources: number) => () => { for (let i = 0; i < resources; i++) bareConfigMap(i); };
    const { resources } = await evaluateOnce(programs.component);
    programs.bare = bare(resources);
    const warmUpCount = Math.min(count, WARM_UP_DESTINATIONS);
    const smallDestinations = makeDestinations(kind, warmUpCount);
    await evaluateOnce(() => direct(smallDestinations));
    await evaluateOnce(bare(Math.ceil((resources * warmUpCount) / count)));
    // Everything the timed evaluations run is loaded by now, moments ago: the digest reads it as it is on disk.
    const measuredCode = measuredCodeDigest(REPO_ROOT, Object.keys(require.cache));

    const samples: { [kind in ProgramKind]: Sample[] } = { component: [], direct: [], bare: [] };
    const timedMs = () => PROGRAM_KINDS.reduce((sum, programKind) => sum + samples[programKind].reduce((ms, s) => ms + s.wallMs, 0), 0);
    const another = (round: number) => round < plan.min || (round < plan.max && timedMs() < plan.budgetMs);
    let round = 0;
    for (; another(round); round++) {
        process.stderr.write(`  ${scenarioName}, ${count} ${kind}: round ${round + 1}${plan.min === plan.max ? `/${plan.max}` : ""}\n`);
        // All three in turns while bare takes part; then component and direct, each first in every other round.
        const taking = round < BARE_ROUNDS ? PROGRAM_KINDS : PROGRAM_KINDS.filter((programKind) => programKind !== "bare");
        for (let turn = 0; turn < taking.length; turn++) {
            const programKind = taking[(round + turn) % taking.length];
            samples[programKind].push(await evaluateOnce(programs[programKind]));
        }
    }
    const rounds = round;
    for (const programKind of PROGRAM_KINDS) {
        const counts = new Set(samples[programKind].map((s) => s.resources));
        if (counts.size !== 1) throw new Error(`${programKind} registered ${[...counts].join(" then ")} resources`);
    }
    const figures = Object.fromEntries(PROGRAM_KINDS.map((programKind): [ProgramKind, ProgramFigures] => {
        const of = samples[programKind];
        return [programKind, { resources: of[0].resources, wallMs: median(of.map((s) => s.wallMs)), gcMs: median(of.map((s) => s.gcMs)), evaluations: of.length }];
    })) as Measurement["figures"];
    // Round by round (bare's rounds are the first ones), so each ratio compares evaluations made under the same load.
    const roundRatios = (a: ProgramKind, b: ProgramKind, cost: (s: Sample) => number) => samples[b].map((s, i) => cost(samples[a][i]) / cost(s));
    const whole = (s: Sample) => s.wallMs;
    return {
        figures,
        componentToBare: median(roundRatios("component", "bare", whole)),
        // The component against direct as whole evaluations: the component's own registration is part of its cost.
        componentToDirectByRound: roundRatios("component", "direct", whole),
        rounds,
        measuredCode,
    };
}

if (require.main === module) {
    const [scenarioName, kind, count, min, max, budgetMs] = process.argv.slice(2);
    const positive = (value: string) => Number.isInteger(Number(value)) && Number(value) >= 1;
    if (!DESTINATION_KINDS.includes(kind as DestinationKind) || ![count, min, max, budgetMs].every(positive) || Number(min) > Number(max)) {
        throw new Error(`usage: evaluate.ts <scenario> <${DESTINATION_KINDS.join("|")}> <count> <min rounds> <max rounds, at least min> <budget ms>`);
    }
    measure(scenarioName, kind as DestinationKind, Number(count), { min: Number(min), max: Number(max), budgetMs: Number(budgetMs) })
        .then((measurement) => console.log(JSON.stringify(measurement)));
}
