// License names as SPDX expressions, Trivy's categories under a policy, and the text classifier:
// its rules on small texts of our own, its accuracy on the shared corpus of labeled license files,
// and its linear time on hostile input.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { corpusOrSkip } from '../../../../test/helpers/corpus';
import { doublingRatio } from '../../../../test/helpers/linear-time';
import { LicenseCategorizer } from './categories';
import { LicenseIndex, TEXT_THRESHOLD, tokenize, type LicenseMatch } from './classifier';
import { normalizeLicense } from './normalize';
import { loadSpdxTexts, spdxIndex } from './spdx-texts';

describe('license names', () => {
  const cases: [string, string | undefined, boolean?][] = [
    ['MIT', 'MIT'],
    ['(MIT OR Apache-2.0)', 'MIT OR Apache-2.0'],
    ['MIT AND (BSD-2-Clause OR ISC)', 'MIT AND (BSD-2-Clause OR ISC)'],
    ['GPL-2.0-or-later WITH Classpath-exception-2.0', 'GPL-2.0-or-later WITH Classpath-exception-2.0'],
    ['Apache 2.0', 'Apache-2.0'],
    ['Apache License, Version 2.0', 'Apache-2.0'],
    ['GPLv3', 'GPL-3.0'],
    ['MIT License', 'MIT'],
    ['Python Software Foundation License', 'PSF-2.0'],
    ['MIT/Apache-2.0', 'MIT OR Apache-2.0'],
    ['Apache-2.0 / MIT', 'Apache-2.0 OR MIT'],
    ['UNKNOWN', undefined],
    ['', undefined],
  ];
  for (const [declared, expected] of cases) {
    it(`reads ${JSON.stringify(declared)} as ${expected ?? 'nothing'}`, () => {
      const normalized = normalizeLicense(declared);
      assert.equal(normalized?.name, expected);
      if (expected) assert.equal(normalized!.spdx, true);
    });
  }

  it('keeps what is no SPDX name verbatim, marked as such', () => {
    assert.deepEqual(normalizeLicense('Proprietary, ask ACME Corp.'), { name: 'Proprietary, ask ACME Corp.', spdx: false });
    // npm's UNLICENSED grants nothing: it is not the Unlicense.
    assert.deepEqual(normalizeLicense('UNLICENSED'), { name: 'UNLICENSED', spdx: false });
    assert.deepEqual(normalizeLicense('SEE LICENSE IN LICENSE.txt'), { name: 'SEE LICENSE IN LICENSE.txt', spdx: false });
    assert.match(normalizeLicense('Permission is hereby granted, free of charge,\nto any person')!.name, /^CUSTOM License: /);
  });
});

describe('license categories', () => {
  const categorizer = new LicenseCategorizer();
  it("takes Trivy's defaults, with or without -only/-or-later", () => {
    assert.equal(categorizer.categorize('MIT'), 'notice');
    assert.equal(categorizer.categorize('GPL-3.0-only'), 'restricted');
    assert.equal(categorizer.categorize('GPL-2.0+'), 'restricted');
    assert.equal(categorizer.categorize('AGPL-3.0-or-later'), 'forbidden');
    assert.equal(categorizer.categorize('MPL-2.0'), 'reciprocal');
    assert.equal(categorizer.categorize('CC0-1.0'), 'unencumbered');
    assert.equal(categorizer.categorize('SSPL-1.0'), 'unknown');
    assert.equal(categorizer.categorize('Proprietary'), 'unknown');
  });

  it('gives AND the worse side and OR the better one; an unknown side makes it unknown', () => {
    assert.equal(categorizer.categorize('MIT AND GPL-3.0-only'), 'restricted');
    assert.equal(categorizer.categorize('MIT OR GPL-3.0-only'), 'notice');
    assert.equal(categorizer.categorize('MIT OR SSPL-1.0'), 'unknown');
    assert.equal(categorizer.categorize('(MIT OR GPL-2.0-only) AND AGPL-3.0-only'), 'forbidden');
    assert.equal(categorizer.categorize('GPL-2.0-only WITH Classpath-exception-2.0'), 'restricted');
  });

  it('follows the policy: forbidden and allowed IDs, and overrides per package', () => {
    const policy = new LicenseCategorizer({
      forbidden: ['gpl-3.0'], allowed: ['LGPL-2.1', 'SSPL-1.0'], overrides: { 'left-pad': 'permissive', 'odd-pkg': 'MIT' },
    });
    assert.equal(policy.categorize('GPL-3.0-or-later'), 'forbidden');
    assert.equal(policy.categorize('LGPL-2.1-only'), 'permissive');
    assert.equal(policy.categorize('SSPL-1.0'), 'permissive');
    assert.equal(policy.categorize('AGPL-3.0-only', 'left-pad'), 'permissive');
    assert.equal(policy.licenseOf('odd-pkg', 'WTFPL'), 'MIT');
    assert.equal(policy.licenseOf('other', 'WTFPL'), 'WTFPL');
  });
});

describe('license text classifier', function () {
  // The SPDX index is built once, on first use (about a second).
  this.timeout(60_000);
  // Texts of our own, standing in for license texts, so the rules are seen on something small.
  const tea = { id: 'Tea-1.0', name: 'Tea License 1.0', text: 'Tea License 1.0\n\nYou may drink this tea freely, brew it again and share the pot with friends, provided that every cup keeps this notice and the name of the grower remains on the label of each tin.' };
  const teaPlus = { id: 'Tea-Plus', name: 'Tea Plus License', text: `${tea.text}\nIn addition, the Tea Plus License asks that every shop selling the tea display the Tea Plus License beside the till at all times.` };
  const coffee = { id: 'Coffee-2.0', name: 'Coffee License 2.0', text: 'Coffee License 2.0\n\nThe beans may be roasted, ground and sold by anyone, on the condition that the roaster is thanked on every bag and no claim of origin is made that the farmer did not make.' };
  const index = new LicenseIndex([tea, teaPlus, coffee], new Set(['Coffee-2.0']));
  const ids = (matches: LicenseMatch[]) => matches.map(m => m.id);

  it('finds a license whose text the file holds, whatever the copyright line, case and wrapping', () => {
    const file = `Copyright (c) 2024 Jane Grower\n\n${tea.text.toUpperCase().replace(/ /g, '\n')}\n`;
    const [match] = index.classify(file);
    assert.equal(match.id, 'Tea-1.0');
    assert.equal(match.confidence, 1);
  });

  it('picks the best fit among texts that contain one another, and finds two licenses in one file', () => {
    assert.deepEqual(ids(index.classify(teaPlus.text)), ['Tea-Plus']);
    assert.deepEqual(ids(index.classify(tea.text)), ['Tea-1.0']);
    assert.deepEqual(ids(index.classify(`${coffee.text}\n\n----\n\n${tea.text}`)).sort(), ['Coffee-2.0', 'Tea-1.0']);
  });

  it('reports nothing below the threshold: a text that only resembles a license is unknown', () => {
    const half = tea.text.split(' ').slice(0, 18).join(' ');
    assert.deepEqual(index.classify(half), []);
    assert.ok(TEXT_THRESHOLD >= 0.75);
  });

  it('reads SPDX tags and explicit statements where no full text is', () => {
    assert.deepEqual(ids(spdxIndex().classify('// SPDX-License-Identifier: Apache-2.0 OR MIT\nconst x = 1;\n')), ['Apache-2.0 OR MIT']);
    assert.deepEqual(ids(spdxIndex().classify('Licensed under the Apache License, Version 2.0 (the "License").\n')), ['Apache-2.0']);
    assert.deepEqual(ids(spdxIndex().classify('This text is released under the CC BY-NC 4.0.\n')), ['CC-BY-NC-4.0']);
    // A name without its version names no license.
    assert.deepEqual(ids(spdxIndex().classify('This library is released under the GPL.\n')), []);
  });

  it('tokenizes in one pass: words, offsets, copyright lines marked', () => {
    const tokens = tokenize('Copyright 2020 Jane\nThe Licence & a b-c\n');
    assert.deepEqual(tokens.words, ['copyright', '2020', 'jane', 'the', 'license', 'and']);
    assert.deepEqual(tokens.copyright, [true, true, true, false, false, false]);
  });

  it('runs in linear time on hostile text', function () {
    this.timeout(120_000);
    const classifier = spdxIndex();
    const mit = loadSpdxTexts().find(t => t.id === 'MIT')!.text;
    // Repeated license text, statement triggers and SPDX tags: each bigram has a bounded posting list.
    const unit = `${mit}\nlicensed under the licensed under the Apache License Version\nSPDX-License-Identifier: MIT\n`;
    const make = (size: number) => unit.repeat(Math.ceil(size / unit.length)).slice(0, size);
    const { ratio } = doublingRatio(make, text => classifier.classify(text), 100_000);
    assert.ok(ratio < 3, `time ratio at 2N over N was ${ratio.toFixed(2)}`);
    const words = (size: number) => 'aa bb cc dd ee ff gg '.repeat(Math.ceil(size / 21)).slice(0, size);
    assert.ok(doublingRatio(words, text => classifier.classify(text), 100_000).ratio < 3);
  });
});

/** The IDs of an expression, with GPL-family suffixes read as the corpus reads them (-only, bare and -or-later alike). */
function idSet(expression: string): string {
  return [...new Set(expression.split(/\s+AND\s+/).map(id => id.replace(/[()]/g, '').replace(/(-only|-or-later|\+)$/, '')))].sort().join(' AND ');
}

describe('license text classifier on the labeled corpus', () => {
  it('names at least 95% of the files correctly', function () {
    this.timeout(120_000);
    const dir = corpusOrSkip(this, 'licenses');
    const corpus = JSON.parse(fs.readFileSync(path.join(dir, 'index.json'), 'utf8')) as {
      files: { file: string; expected_spdx: string; also_acceptable?: string[] }[];
    };
    const wrong: string[] = [];
    for (const entry of corpus.files) {
      const found = spdxIndex().classify(fs.readFileSync(path.join(dir, entry.file), 'utf8'));
      const answer = found.map(m => m.id).join(' AND ');
      // A text with no SPDX ID (LicenseRef-*) is right when reported as unknown, never as a license it is not.
      const right = entry.expected_spdx.startsWith('LicenseRef-')
        ? found.length === 0 || (entry.also_acceptable ?? []).some(ok => idSet(ok) === idSet(answer))
        : [entry.expected_spdx, ...entry.also_acceptable ?? []].some(ok => idSet(ok) === idSet(answer));
      if (!right) wrong.push(`${entry.file}: expected ${entry.expected_spdx}, got ${answer || 'unknown'}`);
    }
    const accuracy = 1 - wrong.length / corpus.files.length;
    console.log(`      license corpus: ${((accuracy) * 100).toFixed(1)}% of ${corpus.files.length} files${wrong.length ? `; wrong:\n        ${wrong.join('\n        ')}` : ''}`);
    assert.ok(accuracy >= 0.95, `accuracy ${(accuracy * 100).toFixed(1)}%`);
  });
});
