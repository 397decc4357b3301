// Licenses of installed Ruby gems: the specification RubyGems writes for each installed gem
// (`specifications/NAME-VERSION.gemspec`), whose `s.licenses = ["MIT".freeze]` (or `s.license =
// "MIT"`) lines name them, as Trivy's gemspec analyzer reads them. The file is Ruby; RubyGems
// writes these assignments one per line with plain string literals, which a small scanner reads
// (no Ruby is run). A project's own gemspec, outside `specifications/`, is not a dependency.
import { declaredLicenseFindings } from '../licenses/findings';
import { LineIndex } from '../text';
import type { Analyzer, Finding } from '../types';
import { folderNames } from './license-common';

export const gemspecLicenseAnalyzer: Analyzer = {
  id: 'license-gemspec',
  type: 'gemspec',
  scanner: 'license',
  fileNames: ['*.gemspec'],
  inlineIgnores: true,
  fixes: 'none',
  analyze: input => ({ packages: [], findings: gemspecLicenses(input.content, input.path) }),
};

interface Assignment {
  attribute: string;
  values: string[];
  start: number;
  end: number;
}

/** `receiver.attribute = literal`, where the literal is a string or an array of strings (each maybe `.freeze`). */
function readAssignment(line: string): Omit<Assignment, 'start' | 'end'> | undefined {
  let i = 0;
  while (line[i] === ' ' || line[i] === '\t') i++;
  const dot = line.indexOf('.', i);
  const equals = line.indexOf('=', i);
  if (dot < 0 || equals < dot || line[equals + 1] === '=') return undefined;
  if (!/^\w+$/.test(line.slice(i, dot))) return undefined;
  const attribute = line.slice(dot + 1, equals).trim();
  if (!/^\w+$/.test(attribute)) return undefined;
  const values: string[] = [];
  let j = equals + 1;
  const skipSpace = () => { while (line[j] === ' ' || line[j] === '\t') j++; };
  const readString = (): string | undefined => {
    const quote = line[j];
    if (quote !== '"' && quote !== "'") return undefined;
    const close = line.indexOf(quote, j + 1);
    if (close < 0) return undefined;
    const value = line.slice(j + 1, close);
    j = close + 1;
    if (line.startsWith('.freeze', j)) j += '.freeze'.length;
    return value;
  };
  skipSpace();
  if (line[j] === '[') {
    j++;
    for (;;) {
      skipSpace();
      if (line[j] === ']') break;
      const value = readString();
      if (value === undefined) return undefined;
      values.push(value);
      skipSpace();
      if (line[j] === ',') j++;
      else if (line[j] !== ']') return undefined;
    }
  } else {
    const value = readString();
    if (value === undefined) return undefined;
    values.push(value);
  }
  return { attribute, values };
}

export function gemspecLicenses(content: string, path: string): Finding[] {
  if (!folderNames(path).includes('specifications')) return [];
  const assignments: Assignment[] = [];
  let offset = 0;
  while (offset <= content.length) {
    let end = content.indexOf('\n', offset);
    if (end < 0) end = content.length;
    const read = readAssignment(content.slice(offset, end));
    if (read) assignments.push({ ...read, start: offset, end });
    offset = end + 1;
  }
  const name = assignments.find(a => a.attribute === 'name')?.values[0];
  const lines = new LineIndex(content, path);
  return assignments
    .filter(a => a.attribute === 'licenses' || a.attribute === 'license')
    .flatMap(a => declaredLicenseFindings(a.values, name, lines.range(a.start, a.end)));
}
