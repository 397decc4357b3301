import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parsePipfileLock } from './pipenv-lock';
import { doublingRatio } from '../../../../test/helpers/linear-time';

const FIXTURES = path.join(__dirname, 'fixtures', 'pipenv-lock');

function parse(content: string, pipfile?: string) {
  return parsePipfileLock({ path: 'app/Pipfile.lock', content, siblings: pipfile === undefined ? undefined : new Map([['Pipfile', pipfile]]) }).packages;
}

describe('Pipfile.lock analyzer', () => {
  it("gives Trivy's line range for each entry (the key line to the closing brace) and underlines the key", () => {
    const [certifi] = parse(fs.readFileSync(path.join(FIXTURES, 'Pipfile_normal.lock'), 'utf8'));
    assert.equal(certifi.id, 'certifi@2019.3.9');
    assert.deepEqual([certifi.location!.startLine, certifi.location!.endLine], [19, 25]);
    assert.deepEqual(certifi.copies![0].highlight, { file: 'app/Pipfile.lock', startLine: 19, startColumn: 9, endLine: 19, endColumn: 18 });
  });

  it('takes direct dependencies from the Pipfile, comparing normalised names', () => {
    const lock = JSON.stringify({ default: { 'zope-interface': { version: '==5.4.0' }, six: { version: '==1.16.0' } }, develop: { pytest: { version: '==8.0.0' } } });
    const direct = (pipfile?: string) => parse(lock, pipfile).filter(p => p.direct).map(p => p.id);
    assert.deepEqual(direct('[packages]\n"Zope.Interface" = "*"\n[dev-packages]\npytest = "*"\n'), ['zope-interface@5.4.0', 'pytest@8.0.0']);
    assert.deepEqual(direct(undefined), [], 'nothing is direct without a Pipfile');
    assert.deepEqual(direct('[packages\n'), [], 'a broken Pipfile leaves the lockfile readable');
    assert.deepEqual(parse(lock).map(p => [p.id, p.dev]), [['zope-interface@5.4.0', false], ['six@1.16.0', false], ['pytest@8.0.0', true]]);
  });

  it('rejects what is not a Pipfile.lock with a message that names the place, never the content', () => {
    for (const content of ['{"default": {"secret-name": }}', '["secret-name"]']) {
      assert.throws(() => parse(content), (error: Error) => {
        assert.match(error.message, /^not a valid Pipfile\.lock: /);
        assert.ok(!error.message.includes('secret'), error.message);
        return true;
      });
    }
  });

  it('takes time linear in the number of entries', function () {
    this.timeout(60_000);
    const make = (entries: number) => {
      const section = (offset: number) => Object.fromEntries(Array.from({ length: entries }, (_, i) => [
        `pkg-${i + offset}`, { hashes: [`sha256:${'a'.repeat(64)}`, `sha256:${'b'.repeat(64)}`], markers: "python_version >= '3.7'", version: `==1.0.${i}` },
      ]));
      return JSON.stringify({ _meta: { 'pipfile-spec': 6 }, default: section(0), develop: section(entries) }, null, 4);
    };
    const { ratio, smallMs, largeMs } = doublingRatio(make, content => parse(content), 1000);
    console.log(`      Pipfile.lock: 2,000 entries ${smallMs.toFixed(1)} ms, 4,000 entries ${largeMs.toFixed(1)} ms (ratio ${ratio.toFixed(2)})`);
    assert.ok(ratio < 3, `ratio ${ratio.toFixed(2)}`);
  });

  it("records the first of a release's listed hashes as the package's (Pipenv does not say which file each is of)", () => {
    const lock = JSON.stringify({ _meta: {}, default: { six: { hashes: ['md5:nope', 'sha256:e5ea22387c670954c886b5a11a8fdcc9fb6894075864fea5d4b337f8e6cd261b', 'sha256:714772a9f82b2aeb4fa5f7092d00fe4ac4c9cdeb6800840b6ed39ea64c4d785a'], version: '==1.16.0' }, bare: { version: '==1.0' } }, develop: {} }, null, 4);
    const packages = parsePipfileLock({ path: 'Pipfile.lock', content: lock }).packages;
    assert.deepEqual(packages.find(p => p.name === 'six')!.hashes, [{ algorithm: 'SHA-256', value: 'e5ea22387c670954c886b5a11a8fdcc9fb6894075864fea5d4b337f8e6cd261b' }]);
    assert.equal(packages.find(p => p.name === 'bare')!.hashes, undefined);
  });
});
