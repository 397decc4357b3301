// What the goldens do not show: the XML the scanner accepts and refuses, positions, and linear time.
import { assertLinearGrowth } from '../../../../test/helpers/linear-time';
import assert from 'node:assert/strict';
import { parsePackagesConfig } from './nuget-config';

describe('nuget-config analyzer', () => {
  it('reads attributes in any order and quoting, entities, comments, CRLF and elements over several lines', () => {
    const text = [
      '\uFEFF<?xml version="1.0" encoding="utf-8"?>',
      '<!-- <package id="Commented.Out" version="1.0.0" /> -->',
      '<packages>',
      "  <package version='2.0.0' id='Single.Quoted' developmentDependency='True'/>",
      '  <package id="A&amp;B" version="1.0.0"></package>',
      '  <package',
      '      id="Multi.Line"',
      '      version="3.1.0" />',
      '  <package id="Single.Quoted" version="2.0.0" />',
      '</packages>',
      '',
    ].join('\r\n');
    const packages = parsePackagesConfig(text, 'packages.config');
    assert.deepEqual(packages.map(p => [p.id, p.dev, p.copies!.length]), [
      ['Single.Quoted@2.0.0', false, 2], ['A&B@1.0.0', false, 1], ['Multi.Line@3.1.0', false, 1],
    ]);
    assert.equal(packages[0].copies![0].dev, true);
    const multiLine = packages[2].copies![0];
    // The element spans three lines: the id attribute is underlined, the whole element answers hovers.
    assert.deepEqual([multiLine.highlight.startLine, multiLine.highlight.startColumn, multiLine.highlight.endLine, multiLine.highlight.endColumn], [7, 7, 7, 22]);
    assert.deepEqual([multiLine.location.startLine, multiLine.location.endLine, multiLine.location.endColumn], [6, 8, 25]);
  });

  it('refuses what is not well-formed XML with a message that says where, never what', () => {
    const secret = 'sekret-token-123';
    const cases: [string, RegExp][] = [
      [`<packages><package id="${secret}" version="1.0.0"></packages>`, /a closing tag does not match the element it closes \(line 1\)/],
      [`<packages>\n<package id="${secret}" version="1.0.0" />`, /the file ends inside an element that is not closed \(line 2\)/],
      [`<packages><package id=${secret} /></packages>`, /an attribute value is not quoted/],
      [`<packages><package id="${secret}" id="x" /></packages>`, /an attribute is repeated/],
      [`<packages><package id="&${secret};" version="1" /></packages>`, /unknown entity/],
      [`<!DOCTYPE packages [<!ENTITY x "${secret}">]><packages/>`, /a DOCTYPE/],
      [`<config><add key="${secret}" /></config>`, /the root element is not <packages>/],
      [`<packages/><packages/>`, /a second root element/],
      [`${secret}`, /no <packages> element/],
      [`<packages><!-- ${secret}`, /a comment is not closed/],
    ];
    for (const [content, expected] of cases) {
      assert.throws(() => parsePackagesConfig(content, 'packages.config'), (error: Error) => {
        assert.match(error.message, expected);
        assert.ok(!error.message.includes(secret), error.message);
        return true;
      });
    }
  });


  for (const [name, element] of [
    ['plain', (i: number) => `  <package id="Pkg${i}" version="1.${i}.0" targetFramework="net48" />\n`],
    // Hostile: long runs of what the scanner looks ahead for (quotes, entities, comment starts).
    ['hostile', (i: number) => `  <!-- -- - ${'&'.repeat(20)} --><package id="P&amp;${i}" version="1.0.${i}" note='${'"'.repeat(20)}' />\n`],
  ] as const) {
    it(`${name}: time grows linearly (twice the packages, well under three times the time)`, function () {
      this.timeout(60_000);
      const config = (size: number) => `<packages>\n${Array.from({ length: size }, (_, i) => element(i)).join('')}</packages>\n`;
      // Sizes below the point (about 10,000 packages) where the garbage collector starts promoting
      // the packages to the old generation, which puts one step in the curve.
      assert.equal(parsePackagesConfig(config(5000), 'packages.config').length, 5000);
      assertLinearGrowth(config, text => parsePackagesConfig(text, 'packages.config'), 2500);
    });
  }
});
