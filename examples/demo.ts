/**
 * `npm run demo`: the Express example service under load, and what greenslo measured of it.
 * See `npm run demo -- --help`. Exits 0 when every SLO passed, 1 when one failed or the demo
 * could not run, 2 for a wrong option.
 */
import { formatReport } from './demo/format-report.js';
import { planLoad, type LoadPlan } from './demo/load-plan.js';
import { parseDemoOptions, USAGE, type DemoOptions } from './demo/options.js';
import { ProgressLine } from './demo/progress.js';
import { runDemo } from './demo/run-demo.js';

function readOptions(): { options: DemoOptions; plan: LoadPlan } | undefined {
  try {
    const options = parseDemoOptions(process.argv.slice(2));
    return { options, plan: planLoad(options.durationS, options.connections) };
  } catch (error) {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n\n${USAGE}`);
    process.exitCode = 2;
    return undefined;
  }
}

async function main(): Promise<void> {
  const parsed = readOptions();
  if (parsed === undefined) return;
  const { options, plan } = parsed;
  if (options.help) return void process.stdout.write(USAGE);
  const progress = new ProgressLine(process.stderr);
  try {
    const report = await runDemo(plan, (state) => progress.update(state));
    progress.finish();
    process.stdout.write(
      options.json ? `${JSON.stringify(report, null, 2)}\n` : `\n${formatReport(report)}\n`,
    );
    process.exitCode = report.sloPassed ? 0 : 1;
  } catch (error) {
    progress.finish();
    process.stderr.write(
      `demo failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    process.exitCode = 1;
  }
}

await main();
