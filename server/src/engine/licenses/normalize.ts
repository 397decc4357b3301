// A declared license (package metadata: package.json, METADATA, gemspec, composer.lock, Cargo.toml,
// nuspec) as an SPDX expression: spdx-expression-parse accepts what is one already, spdx-correct
// mends common spellings ("Apache 2.0", "GPLv3", "MIT License"), and a few names that both miss
// are mapped here. What stays unparseable is kept verbatim and marked as not SPDX.
import parseSpdx from 'spdx-expression-parse';
import correctSpdx from 'spdx-correct';

export interface NormalizedLicense {
  /** The SPDX expression, or the declared text verbatim when it is none. */
  name: string;
  spdx: boolean;
}

/** Longer values are license texts pasted into a name field, not names. */
const MAX_NAME_LENGTH = 200;

/** Values that say nothing about the license. */
const NO_LICENSE = new Set(['', 'unknown', 'none', 'noassertion', 'n/a', 'na', 'null', 'undefined', 'other', 'license']);

/** Names spdx-correct does not mend (lowercased, without a trailing "license"), seen in Python classifiers and gemspecs. */
const KNOWN_NAMES: ReadonlyMap<string, string> = new Map([
  ['python software foundation', 'PSF-2.0'],
  ['psf', 'PSF-2.0'],
  ['psfl', 'PSF-2.0'],
  ['isc license (iscl)', 'ISC'],
  ['iscl', 'ISC'],
  ['mit-cmu', 'MIT-CMU'],
  ['cnri python', 'CNRI-Python'],
  ['cnri python 1.6', 'CNRI-Python'],
  ['eclipse public 2.0', 'EPL-2.0'],
  ['eclipse public 1.0', 'EPL-1.0'],
  ['apache software license 2.0', 'Apache-2.0'],
  ['academic free license (afl)', 'AFL-3.0'],
  ['boost software license 1.0 (bsl-1.0)', 'BSL-1.0'],
  ['zope public', 'ZPL-2.1'],
  ['mozilla public license 2.0 (mpl 2.0)', 'MPL-2.0'],
  ['historical permission notice and disclaimer (hpnd)', 'HPND'],
  ['the unlicense (unlicense)', 'Unlicense'],
  ['cc0 1.0 universal (cc0 1.0) public domain dedication', 'CC0-1.0'],
  // The GNU trove classifiers, which spdx-correct reads wrongly (it drops "Lesser" and "or later").
  ['gnu general public license v2 (gplv2)', 'GPL-2.0-only'],
  ['gnu general public license v2 or later (gplv2+)', 'GPL-2.0-or-later'],
  ['gnu general public license v3 (gplv3)', 'GPL-3.0-only'],
  ['gnu general public license v3 or later (gplv3+)', 'GPL-3.0-or-later'],
  ['gnu lesser general public license v2 (lgplv2)', 'LGPL-2.0-only'],
  ['gnu lesser general public license v2 or later (lgplv2+)', 'LGPL-2.0-or-later'],
  ['gnu lesser general public license v3 (lgplv3)', 'LGPL-3.0-only'],
  ['gnu lesser general public license v3 or later (lgplv3+)', 'LGPL-3.0-or-later'],
  ['gnu affero general public license v3', 'AGPL-3.0-only'],
  ['gnu affero general public license v3 or later (agplv3+)', 'AGPL-3.0-or-later'],
]);

const cache = new Map<string, NormalizedLicense | undefined>();

/** An SPDX form of a declared license, or undefined when the value declares nothing. */
export function normalizeLicense(declared: string): NormalizedLicense | undefined {
  const value = declared.trim();
  if (cache.has(value)) return cache.get(value);
  const normalized = normalizeUncached(value);
  if (cache.size > 10_000) cache.clear();
  cache.set(value, normalized);
  return normalized;
}

function normalizeUncached(value: string): NormalizedLicense | undefined {
  if (NO_LICENSE.has(value.toLowerCase())) return undefined;
  if (value.length > MAX_NAME_LENGTH || value.includes('\n')) {
    // Trivy's form for a license text in a name field: a custom license named by its start.
    const start = value.replace(/\s+/g, ' ').slice(0, 20);
    return { name: `CUSTOM License: ${start}...`, spdx: false };
  }
  // npm: UNLICENSED means "no permission given" (spdx-correct would turn it into the Unlicense),
  // and `SEE LICENSE IN <file>` points at a file.
  if (/^unlicensed$/i.test(value) || /^see licen[cs]e in /i.test(value)) return { name: value, spdx: false };
  const exact = asExpression(value);
  if (exact) return { name: exact, spdx: true };
  // Two names in one value: spdx-correct would keep one of them ("MIT/Apache-2.0" -> Apache-2.0).
  const parts = splitCompound(value);
  if (parts) return { name: parts, spdx: true };
  const mended = mend(value);
  if (mended) return { name: mended, spdx: true };
  return { name: value, spdx: false };
}

/** The value written as SPDX writes expressions, when it is one. */
function asExpression(value: string): string | undefined {
  try {
    return format(parseSpdx(value));
  } catch {
    return undefined;
  }
}

function format(node: parseSpdx.Info, parent?: 'and' | 'or'): string {
  if ('license' in node) return `${node.license}${node.plus ? '+' : ''}${node.exception ? ` WITH ${node.exception}` : ''}`;
  const text = `${format(node.left, node.conjunction)} ${node.conjunction.toUpperCase()} ${format(node.right, node.conjunction)}`;
  // AND binds tighter than OR: only an OR inside an AND needs brackets.
  return parent === 'and' && node.conjunction === 'or' ? `(${text})` : text;
}

/** One license name in any common spelling, as an SPDX ID. */
function mend(value: string): string | undefined {
  const key = value.toLowerCase().replace(/\s+/g, ' ').replace(/'s\b/g, '').replace(/ licen[cs]e$/, '').replace(/^the /, '');
  const known = KNOWN_NAMES.get(key) ?? KNOWN_NAMES.get(value.toLowerCase());
  if (known) return known;
  // upgrade: false keeps what was written: "GPLv3" says neither "only" nor "or later".
  return correctSpdx(value, { upgrade: false }) ?? undefined;
}

/** `MIT/Apache-2.0`, `MIT or Apache 2.0`, `MIT & ISC`: each part mended, joined with OR (or AND for `and`). A comma is no separator: "Apache License, Version 2.0". */
function splitCompound(value: string): string | undefined {
  // "v2 or later" is one license, not two.
  if (/\bor\s+(any\s+)?later\b/i.test(value)) return undefined;
  const conjunction = /\band\b|&/i.test(value) && !/\bor\b|\//i.test(value) ? 'AND' : 'OR';
  const parts = value.split(/\s+(?:or|and)\s+|\s*[/&|]\s*/i).map(part => part.replace(/^\(|\)$/g, '').trim()).filter(Boolean);
  if (parts.length < 2 || parts.length > 8) return undefined;
  const mended: string[] = [];
  for (const part of parts) {
    const id = asExpression(part) ?? mend(part);
    if (!id) return undefined;
    mended.push(id.includes(' ') ? `(${id})` : id);
  }
  return [...new Set(mended)].join(` ${conjunction} `);
}
