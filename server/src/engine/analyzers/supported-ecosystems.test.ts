// supportedEcosystems() is what `vigil db update` fetches for a new DB: it must cover the ecosystem
// of every package an analyzer reports, found by running each analyzer on its own fixtures.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ANALYZERS, supportedEcosystems } from '.';
import { hasAdvisorySource } from '../ecosystems';
import type { Ecosystem } from '../types';

describe('supportedEcosystems', () => {
  it('lists the ecosystems with advisories of the packages the analyzers report on their fixtures, once each', () => {
    const seen = new Set<Ecosystem>();
    for (const analyzer of ANALYZERS.filter((a) => a.scanner === 'vuln')) {
      const folder = path.join(__dirname, 'fixtures', analyzer.id);
      for (const name of fs.readdirSync(folder)) {
        let packages;
        try {
          packages = analyzer.analyze({ path: name, content: fs.readFileSync(path.join(folder, name), 'utf8') }).packages;
        } catch {
          continue; // a fixture of a broken file
        }
        for (const pkg of packages) seen.add(pkg.ecosystem);
      }
    }
    const supported = supportedEcosystems();
    assert.deepEqual([...supported].sort(), [...seen].filter(hasAdvisorySource).sort());
    assert.equal(new Set(supported).size, supported.length);
  });
});
