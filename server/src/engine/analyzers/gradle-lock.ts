// Gradle dependency locking: `gradle.lockfile` (and `buildscript-gradle.lockfile`,
// `settings-gradle.lockfile`, or a per-project `<name>gradle.lockfile`, as Trivy claims them).
//
// One line per resolved module, `group:artifact:version=configuration,configuration,...`, then a
// last `empty=...` line listing configurations that resolved nothing; `#` starts a comment. Like
// Trivy and osv-scanner, a line of another shape is passed over; a file with content but no line
// of the format at all is refused. The lockfile lists the whole resolved classpath without saying
// which modules the build script declares, so none is direct. A module locked only for test
// configurations (`testCompileClasspath`, `testRuntimeClasspath`, ...) is dev, as in Trivy.
import { buildPurl } from '../purl';
import { LineCursor } from '../text';
import type { Analyzer, Package, PackageCopy } from '../types';

export const gradleLockAnalyzer: Analyzer = {
  id: 'gradle-lock',
  type: 'gradle',
  scanner: 'vuln',
  ecosystem: 'Maven',
  fileNames: ['*gradle.lockfile'],
  inlineIgnores: false,
  trivyParser: 'gradle/lockfile',
  fixes: 'none',
  analyze: input => ({ packages: parseGradleLockfile(input.content, input.path) }),
};

export function parseGradleLockfile(content: string, file: string): Package[] {
  const lines = new LineCursor(content, file);
  const packages = new Map<string, Package>();
  let contentLines = 0;
  let formatLines = 0;
  for (let lineStart = 0; lineStart < content.length; ) {
    let lineEnd = content.indexOf('\n', lineStart);
    if (lineEnd === -1) lineEnd = content.length;
    let start = lineStart;
    let end = lineEnd;
    while (start < end && isBlank(content.charCodeAt(start))) start++;
    while (end > start && isBlank(content.charCodeAt(end - 1))) end--;
    lineStart = lineEnd + 1;
    if (start === end || content.charCodeAt(start) === HASH) continue;
    contentLines++;
    const line = content.slice(start, end);
    const equals = line.indexOf('=');
    if (equals === -1) continue;
    const coordinates = line.slice(0, equals).trimEnd();
    if (coordinates === 'empty') {
      formatLines++;
      continue;
    }
    const parts = coordinates.split(':');
    if (parts.length !== 3 || parts.some(part => part === '' || part.includes(' '))) continue;
    formatLines++;
    const [group, artifact, version] = parts;
    const name = `${group}:${artifact}`;
    const dev = onlyTestConfigurations(line, equals + 1);
    const location = lines.range(start, end);
    const copy: PackageCopy = { key: `line ${location.startLine}`, location, highlight: lines.range(start, start + coordinates.length), direct: false, dev };
    const id = `${name}@${version}`;
    const known = packages.get(id);
    if (known) {
      known.copies!.push(copy);
      known.dev &&= dev;
      continue;
    }
    packages.set(id, { id, name, version, ecosystem: 'Maven', purl: buildPurl('Maven', name, version), direct: false, dev, location, copies: [copy] });
  }
  if (contentLines > 0 && formatLines === 0) {
    throw new Error('not a valid gradle.lockfile: no line has the form group:artifact:version=configurations');
  }
  return [...packages.values()];
}

/**
 * Whether the comma-separated configurations from `from` on are all test ones (`test...`), and
 * there is at least one; empty entries do not count. Read in place: splitting, trimming and
 * filtering a list per line cost a third of the analysis.
 */
function onlyTestConfigurations(line: string, from: number): boolean {
  let any = false;
  for (let start = from; start <= line.length; ) {
    let end = line.indexOf(',', start);
    if (end === -1) end = line.length;
    const configuration = line.slice(start, end).trim();
    if (configuration !== '') {
      if (!configuration.startsWith('test')) return false;
      any = true;
    }
    start = end + 1;
  }
  return any;
}

const HASH = 0x23;

function isBlank(code: number): boolean {
  return code === 0x20 || code === 0x09 || code === 0x0d;
}
