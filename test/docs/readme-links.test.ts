import { expect } from 'chai';
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

/**
 * Relative links between the READMEs point at files that exist and at headings that exist
 * (GitHub's anchors), so moving a section or a file cannot leave a dead link behind.
 */
const ROOT = resolve(__dirname, '../..');

/** GitHub's heading anchor: lower case, punctuation other than `-` and `_` dropped, spaces → `-`. */
export function anchorOf(heading: string): string {
  return heading
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s_-]/gu, '')
    .replace(/\s/g, '-');
}

function anchors(markdown: string): Set<string> {
  const out = new Set<string>();
  let fenced = false;
  for (const line of markdown.split('\n')) {
    if (line.startsWith('```')) fenced = !fenced;
    const m = !fenced && /^#{1,6}\s+(.*)$/.exec(line);
    if (m) out.add(anchorOf(m[1]));
  }
  return out;
}

function markdownFiles(): string[] {
  const inFolders = (parent: string) =>
    readdirSync(join(ROOT, parent), { withFileTypes: true })
      .filter((d) => d.isDirectory() && existsSync(join(ROOT, parent, d.name, 'README.md')))
      .map((d) => `${parent}/${d.name}/README.md`);
  return ['README.md', 'CHANGELOG.md', 'test/e2e/README.md', ...inFolders('modules'), ...inFolders('functions')].filter((f) => existsSync(join(ROOT, f)));
}

describe('README links', () => {
  it('computes GitHub anchors', () => {
    expect(anchorOf('`dead-letter.ts`: one writer, one entry schema')).to.equal('dead-letterts-one-writer-one-entry-schema');
    expect(anchorOf('Inputs (`ElbProcessorProps`)')).to.equal('inputs-elbprocessorprops');
  });

  it('points every relative link at an existing file and heading', () => {
    const broken: string[] = [];
    for (const file of markdownFiles()) {
      const text = readFileSync(join(ROOT, file), 'utf8').replace(/```[\s\S]*?```/g, '');
      for (const [, target] of text.matchAll(/\]\(([^)\s]+)\)/g)) {
        if (/^[a-z]+:/i.test(target)) continue; // https:, mailto:
        const [path, anchor] = target.split('#');
        const resolved = path ? resolve(dirname(join(ROOT, file)), path) : join(ROOT, file);
        if (!existsSync(resolved)) {
          broken.push(`${file}: ${target} (no ${relative(ROOT, resolved)})`);
        } else if (anchor && statSync(resolved).isFile() && !anchors(readFileSync(resolved, 'utf8')).has(anchor)) {
          broken.push(`${file}: ${target} (no heading #${anchor})`);
        }
      }
    }
    expect(broken).to.deep.equal([]);
  });
});
