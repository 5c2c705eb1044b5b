import { execFileSync } from 'node:child_process';

/**
 * Finds a system program that an integration suite needs (redis-server, promtool, chromium).
 *
 * Returns its path, or `undefined` after a loud notice naming the Debian package, so that
 * `npm test` on a machine without it skips that suite. With `GREENSLO_REQUIRE_SERVICES=1` (set by
 * `.ci/run`) a missing program fails the run instead: CI never skips.
 */
export function findProgram(program: string, debianPackage: string): string | undefined {
  try {
    return (
      execFileSync('sh', ['-c', `command -v ${program}`], { encoding: 'utf8' }).trim() || undefined
    );
  } catch {
    const notice = `${program} is not installed: install the Debian package \`${debianPackage}\` (apt-get install -y ${debianPackage}) to run this suite.`;
    if (process.env.GREENSLO_REQUIRE_SERVICES === '1') throw new Error(notice);
    console.warn(`\n${'!'.repeat(100)}\nSKIPPING: ${notice}\n${'!'.repeat(100)}\n`);
    return undefined;
  }
}
