import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';

/**
 * The team's reference material sits at `../shared` beside the project in CI and on developer
 * machines, never in a user's clone. Tests that read it go through `describeWithShared`: on a
 * plain clone the suite shows one pending line saying why instead of failing; with
 * `REQUIRE_SHARED=1` (set by .ci/run) a missing folder fails the run, so CI always runs them.
 */
export const PROJECT_ROOT = resolve(__dirname, '..', '..');
export const SHARED_DIR = resolve(PROJECT_ROOT, '..', 'shared');
/** `../shared/conformance/elb`: real-format load-balancer lines and whole files (its SOURCES.md). */
export const ELB_CORPUS = join(SHARED_DIR, 'conformance', 'elb');

export function sharedAvailable(path: string = SHARED_DIR): boolean {
  return existsSync(path);
}

/** `describe` when `path` (default: ../shared) exists; otherwise one pending test naming the missing folder. */
export function describeWithShared(title: string, path: string, body: (this: Mocha.Suite) => void): Mocha.Suite {
  if (sharedAvailable(path)) return describe(title, body);
  if (process.env.REQUIRE_SHARED === '1') {
    throw new Error(`${title}: ${path} is missing and REQUIRE_SHARED=1 (CI must run the corpus tests)`);
  }
  return describe(title, () => {
    it.skip(`skipped: needs ${path} (the team's shared corpus, beside the project in CI; not part of a user's clone)`);
  });
}

/** `it` when `path` exists; otherwise the test shows as pending with the reason (same rules as describeWithShared). */
export function itWithShared(path: string, title: string, fn: Mocha.AsyncFunc): Mocha.Test {
  if (sharedAvailable(path)) return it(title, fn);
  if (process.env.REQUIRE_SHARED === '1') throw new Error(`${title}: ${path} is missing and REQUIRE_SHARED=1`);
  return it.skip(`${title} (skipped: needs ${path}, beside the project in CI)`);
}
