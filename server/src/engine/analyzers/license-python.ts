// Licenses of installed Python packages: the core metadata file of a wheel install
// (`*.dist-info/METADATA`) or an egg (`*.egg-info/PKG-INFO`). An email-style header block:
// `License-Expression` (PEP 639) is taken first, then `License` (when it is a name, not a pasted
// text), then the `License ::` trove classifiers, as Trivy's Python packaging parser does.
import { declaredLicenseFindings } from '../licenses/findings';
import { LineIndex } from '../text';
import type { Analyzer, Finding, SourceRange } from '../types';
import { folderNames } from './license-common';

export const pythonLicenseAnalyzer: Analyzer = {
  id: 'license-python',
  type: 'python-pkg',
  scanner: 'license',
  fileNames: ['METADATA', 'PKG-INFO'],
  inlineIgnores: false,
  fixes: 'none',
  analyze: input => ({ packages: [], findings: pythonPackageLicenses(input.content, input.path) }),
};

interface Header {
  name: string;
  value: string;
  start: number;
  end: number;
}

/** The header fields, up to the first blank line (the description follows). Continuation lines start with white space. */
export function metadataHeaders(content: string): Header[] {
  const headers: Header[] = [];
  let offset = 0;
  while (offset < content.length) {
    let lineEnd = content.indexOf('\n', offset);
    if (lineEnd < 0) lineEnd = content.length;
    const line = content.slice(offset, lineEnd).replace(/\r$/, '');
    if (line.trim() === '') break;
    const last = headers[headers.length - 1];
    if ((line[0] === ' ' || line[0] === '\t') && last) {
      last.value += `\n${line.trim()}`;
      last.end = lineEnd;
    } else {
      const colon = line.indexOf(':');
      if (colon > 0) headers.push({ name: line.slice(0, colon).trim().toLowerCase(), value: line.slice(colon + 1).trim(), start: offset, end: lineEnd });
    }
    offset = lineEnd + 1;
  }
  return headers;
}

const CLASSIFIER_PREFIX = 'License :: ';

export function pythonPackageLicenses(content: string, path: string): Finding[] {
  const folders = folderNames(path);
  const folder = folders[folders.length - 1] ?? '';
  if (!folder.endsWith('.dist-info') && !folder.endsWith('.egg-info')) return [];
  const headers = metadataHeaders(content);
  const name = headers.find(h => h.name === 'name')?.value;
  const lines = new LineIndex(content, path);
  const at = (header: Header): SourceRange => lines.range(header.start, header.end);
  const expression = headers.find(h => h.name === 'license-expression' && h.value);
  if (expression) return declaredLicenseFindings([expression.value], name, at(expression));
  const license = headers.find(h => h.name === 'license' && h.value && !h.value.includes('\n') && h.value.length <= 100);
  if (license) {
    const findings = declaredLicenseFindings([license.value], name, at(license));
    if (findings.length) return findings;
  }
  return headers
    .filter(h => h.name === 'classifier' && h.value.startsWith(CLASSIFIER_PREFIX))
    .flatMap(h => {
      // "License :: OSI Approved :: MIT License": the last part names it; "OSI Approved" alone names nothing.
      const parts = h.value.split('::').map(part => part.trim());
      const named = parts[parts.length - 1];
      return parts.length > 2 || !/approved/i.test(named) ? declaredLicenseFindings([named], name, at(h)) : [];
    });
}
