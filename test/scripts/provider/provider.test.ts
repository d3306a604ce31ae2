import { expect } from 'chai';
import { chmodSync, mkdtempSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildStampText, existingBuildIsPinned, sourceStampText, verifyDownload } from '../../../scripts/provider/build';
import { cliConfigText, findInstalledProvider, installIntoMirror, mirrorLayout, sha256File } from '../../../scripts/provider/install';
import { PROVIDER_PIN, providerPaths } from '../../../scripts/provider/pin';
import { goModRequirement, parseGoVersion, preflightProblems } from '../../../scripts/provider/preflight';

const GB = 1024 ** 3;
const roomy = { goVersion: 'go1.26.8', memoryAvailable: 20 * GB, diskFree: 100 * GB };

describe('npm run provider (scripts/provider)', () => {
  const made: string[] = [];
  const temp = () => {
    const d = mkdtempSync(join(tmpdir(), 'lto-provider-'));
    made.push(d);
    return d;
  };
  after(() => made.forEach((d) => rmSync(d, { recursive: true, force: true })));

  describe('module download check', () => {
    const moduleDir = () => {
      const d = temp();
      writeFileSync(join(d, 'go.mod'), 'module github.com/hashicorp/terraform-provider-aws\n\ngo 1.26.3\n');
      return d;
    };

    it('accepts the pinned version with the pinned hash', () => {
      // Given what go mod download -json prints for the pinned module
      const dir = moduleDir();
      const json = JSON.stringify({ Path: PROVIDER_PIN.module, Version: PROVIDER_PIN.moduleVersion, Sum: PROVIDER_PIN.moduleSum, Dir: dir });
      // Then it is accepted with its source folder
      expect(verifyDownload(json).Dir).to.equal(dir);
    });

    it('refuses a module whose hash differs from the pin, naming both hashes', () => {
      const json = JSON.stringify({ Path: PROVIDER_PIN.module, Version: PROVIDER_PIN.moduleVersion, Sum: 'h1:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=', Dir: moduleDir() });
      expect(() => verifyDownload(json)).to.throw(`module hash mismatch for ${PROVIDER_PIN.module}@${PROVIDER_PIN.moduleVersion}: the proxy served h1:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=, the pin is ${PROVIDER_PIN.moduleSum}`);
    });

    it('refuses another version and reports the proxy error', () => {
      expect(() => verifyDownload(JSON.stringify({ Path: PROVIDER_PIN.module, Version: 'v6.25.0', Sum: PROVIDER_PIN.moduleSum, Dir: moduleDir() }))).to.throw('not the pinned');
      expect(() => verifyDownload(JSON.stringify({ Path: PROVIDER_PIN.module, Version: 'v6.25.0', Error: '403 Forbidden' }))).to.throw('failed: 403 Forbidden');
    });
  });

  describe('preflight', () => {
    it('reads Go versions and the go.mod requirement', () => {
      expect(parseGoVersion('go1.26.8')).to.deep.equal([1, 26, 8]);
      expect(parseGoVersion('1.26')).to.deep.equal([1, 26, 0]);
      expect(goModRequirement('module x\n\ngo 1.26.3\n\nrequire (\n')).to.equal('1.26.3');
    });

    it('passes a machine with Go, memory and disk', () => {
      expect(preflightProblems(roomy, 'cold', '1.26.3')).to.deep.equal([]);
    });

    it('fails clearly when Go is missing or too old', () => {
      expect(preflightProblems({ ...roomy, goVersion: undefined }, 'cold', '1.26.3')[0]).to.match(/^Go is not installed .*install Go 1\.26\.3/);
      expect(preflightProblems({ ...roomy, goVersion: 'go1.25.9' }, 'link', '1.26.3')).to.deep.equal([
        "Go go1.25.9 is too old: the provider's go.mod asks for go 1.26.3; install a newer Go from https://go.dev/dl/.",
      ]);
    });

    it('fails clearly when memory for the linker or disk for the caches is short', () => {
      const problems = preflightProblems({ ...roomy, memoryAvailable: 6 * GB, diskFree: 5 * GB }, 'cold', '1.26.3');
      expect(problems).to.have.length(2);
      expect(problems[0]).to.match(/^Only 6\.0 GB of memory is available; linking the provider peaks at ~9\.4 GB/);
      expect(problems[1]).to.match(/^Only 5\.0 GB free on the cache's disk; the cold build needs ~12\.0 GB/);
      // A relink needs the linker's memory but not the caches' disk
      expect(preflightProblems({ ...roomy, diskFree: 5 * GB }, 'link', '1.26.3')).to.deep.equal([]);
      // Installing a finished binary needs neither Go nor the linker's memory
      expect(preflightProblems({ goVersion: undefined, memoryAvailable: 1 * GB, diskFree: 5 * GB }, 'install')).to.deep.equal([]);
    });
  });

  describe('filesystem mirror', () => {
    it('installs a binary under its version and hash, with a CLI config that uses only the mirror for hashicorp/aws', async () => {
      // Given a finished build in a fresh per-user cache
      const paths = providerPaths(temp());
      mkdirSync(paths.mirrors, { recursive: true });
      writeFileSync(paths.buildOutput, 'fake provider binary');
      // When it is installed
      const installed = await installIntoMirror(paths, paths.buildOutput);
      // Then it sits where terraform's unpacked mirror layout wants it, keyed by version and hash
      const sha = await sha256File(paths.buildOutput);
      expect(installed.sha256).to.equal(sha);
      expect(installed.binary).to.equal(
        join(paths.cache, 'providers', `aws-6.47.1-${sha.slice(0, 16)}`, 'registry.terraform.io', 'hashicorp', 'aws', '6.47.1', 'linux_amd64', 'terraform-provider-aws_v6.47.1'),
      );
      expect(statSync(installed.binary).mode & 0o111).to.not.equal(0);
      // And later runs find it through the manifest
      const found = findInstalledProvider(paths);
      expect(found).to.have.property('provider').that.deep.includes({ sha256: sha, mirror: mirrorLayout(paths, sha).mirror });
      // And the CLI config sends hashicorp/aws to the mirror and nothing else
      const config = readFileSync(paths.cliConfig, 'utf8');
      expect(config).to.equal(cliConfigText(installed.mirror));
      expect(config).to.include(`filesystem_mirror {\n    path    = "${installed.mirror}"\n    include = ["registry.terraform.io/hashicorp/aws"]`);
      expect(config).to.include('direct {\n    exclude = ["registry.terraform.io/hashicorp/aws"]');
    });

    it('does not trust a mirror whose binary changed or vanished', async () => {
      const paths = providerPaths(temp());
      mkdirSync(paths.mirrors, { recursive: true });
      writeFileSync(paths.buildOutput, 'fake provider binary');
      const installed = await installIntoMirror(paths, paths.buildOutput);
      chmodSync(installed.binary, 0o755);
      rmSync(installed.binary);
      writeFileSync(installed.binary, 'truncated');
      expect(findInstalledProvider(paths)).to.have.property('missing').that.matches(/is missing or was changed/);
      expect(findInstalledProvider(providerPaths(temp()))).to.have.property('missing').that.matches(/^no AWS provider 6\.47\.1 built on this machine/);
    });
  });

  describe('reusing a finished build', () => {
    it('installs an existing binary only when its stamp names this source, these flags and this Go', () => {
      // Given a source copy and a binary with a matching build stamp written after both
      const paths = providerPaths(temp());
      mkdirSync(join(paths.cache, 'src'), { recursive: true });
      writeFileSync(paths.sourceStamp, sourceStampText());
      writeFileSync(paths.buildOutput, 'bin');
      writeFileSync(`${paths.buildOutput}.stamp`, buildStampText('go1.26.8'));
      const past = new Date(Date.now() - 60_000);
      utimesSync(paths.sourceStamp, past, past);
      utimesSync(paths.buildOutput, past, past);
      expect(existingBuildIsPinned(paths, 'go1.26.8')).to.equal(true);
      // Then another Go, or a binary newer than its stamp, means a rebuild
      expect(existingBuildIsPinned(paths, 'go1.26.9')).to.equal(false);
      utimesSync(paths.buildOutput, new Date(), new Date(Date.now() + 60_000));
      expect(existingBuildIsPinned(paths, 'go1.26.8')).to.equal(false);
    });
  });
});
