// License files and license headers, classified by their text (Trivy's --license-full): LICENSE,
// LICENCE, COPYING, NOTICE and UNLICENSE files (any extension), and the head of source files.
// Each license found is a finding with the classifier's confidence. A license file in which no
// license reaches the threshold is reported once as unknown, never guessed; a source file without
// a license header reports nothing.
import { spdxIndex } from '../licenses/spdx-texts';
import { licenseFinding } from '../licenses/findings';
import { LineIndex } from '../text';
import type { Analyzer, Finding } from '../types';

const LICENSE_FILE_NAMES = [
  'LICENSE', 'LICENSE.*', 'LICENSE-*', 'LICENCE', 'LICENCE.*', 'License', 'License.*', 'license', 'license.*',
  'COPYING', 'COPYING.*', 'NOTICE', 'NOTICE.*', 'UNLICENSE',
];

/** Source files whose head may carry a license header. */
const SOURCE_FILE_NAMES = [
  '*.c', '*.h', '*.cc', '*.cpp', '*.hpp', '*.cs', '*.go', '*.java', '*.kt', '*.js', '*.mjs', '*.cjs', '*.ts', '*.tsx',
  '*.jsx', '*.py', '*.rb', '*.rs', '*.php', '*.swift', '*.scala', '*.sh',
];

/** How much of a source file is read for its header. */
const HEADER_CHARS = 4096;

export const licenseFileAnalyzer: Analyzer = {
  id: 'license-file',
  type: 'license-file',
  scanner: 'license',
  licenseFull: true,
  fileNames: LICENSE_FILE_NAMES,
  inlineIgnores: false,
  skipsBinary: true,
  fixes: 'none',
  analyze: input => ({ packages: [], findings: classifyLicenseFile(input.content, input.path, false) }),
};

export const licenseHeaderAnalyzer: Analyzer = {
  id: 'license-header',
  type: 'license-file',
  scanner: 'license',
  licenseFull: true,
  fileNames: SOURCE_FILE_NAMES,
  inlineIgnores: false,
  skipsBinary: true,
  fixes: 'none',
  analyze: input => ({ packages: [], findings: classifyLicenseFile(input.content.slice(0, HEADER_CHARS), input.path, true) }),
};

export function classifyLicenseFile(content: string, path: string, header: boolean): Finding[] {
  const lines = new LineIndex(content, path);
  const matches = spdxIndex().classify(content);
  if (matches.length === 0) {
    if (header) return [];
    return [licenseFinding({ name: 'Unknown', spdx: false, confidence: 0, location: lines.range(0, Math.min(content.length, content.indexOf('\n') >>> 0)) })];
  }
  return matches.map(match => licenseFinding({ name: match.id, spdx: true, confidence: match.confidence, location: lines.range(match.start, match.end) }));
}
