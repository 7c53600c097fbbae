/** What `npm run bench -- …` was asked to do (main.ts). */
export interface BenchOptions {
    /** `--precise` or BENCH_PRECISE=1: three processes per row, longer. */
    precise: boolean;
    /** `--per-type` or BENCH_PER_TYPE=1: each resource type measured alone, after the rest. */
    perType: boolean;
    /** `--save <file>`: where to write the run, every process's rounds included (savedRuns.ts). */
    save?: string;
    /** `--judge <file>…`: saved runs to judge together, measuring nothing. */
    judge?: string[];
}

export const BENCH_USAGE = "usage: npm run bench -- [--precise] [--per-type] [--save <file>] | --judge <saved run>…";

/** The command line (after `--`) and the BENCH_PRECISE/BENCH_PER_TYPE settings; the command line is refused whole when anything in it is unknown or contradicts. */
export function benchOptions(args: string[], env: NodeJS.ProcessEnv): BenchOptions {
    const options: BenchOptions = { precise: false, perType: false };
    const refuse = (why: string): never => { throw new Error(`${why}\n${BENCH_USAGE}`); };
    for (let i = 0; i < args.length; i++) {
        const arg = args[i];
        if (arg === "--precise") options.precise = true;
        else if (arg === "--per-type") options.perType = true;
        else if (arg === "--save") {
            const file = args[++i];
            if (file === undefined || file.startsWith("--")) refuse("--save needs the file to write");
            options.save = file;
        } else if (arg === "--judge") {
            const files = args.slice(i + 1);
            if (files.length === 0 || files.some((file) => file.startsWith("--"))) refuse("--judge takes saved runs, and comes last");
            options.judge = files;
            break;
        } else refuse(`unknown argument ${JSON.stringify(arg)}`);
    }
    if (options.judge && (options.precise || options.perType || options.save)) refuse("--judge measures nothing: it cannot be combined with --precise, --per-type or --save");
    // The settings stand for their flags when measuring; exported for a session of runs, they do not stop --judge.
    if (options.judge) return options;
    return { ...options, precise: options.precise || env.BENCH_PRECISE === "1", perType: options.perType || env.BENCH_PER_TYPE === "1" };
}

/** BENCH_COUNTS: distinct whole numbers of destinations; with one, there is nothing to judge flatness on. */
export function destinationCounts(asked: string): number[] {
    const counts = asked.split(",").map(Number);
    if (counts.some((count) => !Number.isInteger(count) || count < 1) || new Set(counts).size !== counts.length) {
        throw new Error(`BENCH_COUNTS must be distinct whole numbers of destinations, separated by commas, not ${JSON.stringify(asked)}`);
    }
    return counts;
}
