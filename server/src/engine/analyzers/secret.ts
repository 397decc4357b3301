// The secret scanner as an analyzer: it claims every file, passes binary files over (the scan
// does, for `skipsBinary`), and reports hard-coded secrets with Trivy's rules (see
// ../secrets/scanner.ts). Files over SECRET_MAX_FILE_CHARS are passed over with a note.
import { SecretScanner } from '../secrets/scanner';
import type { Analyzer } from '../types';

/** A secret analyzer running the given scanner (a --secret-config makes its own). */
export function secretAnalyzer(scanner: SecretScanner): Analyzer {
  return {
    id: 'secret',
    type: 'secret',
    scanner: 'secret',
    fileNames: ['*'],
    inlineIgnores: true,
    skipsBinary: true,
    fixes: 'none',
    analyze(input) {
      const { findings, notes } = scanner.scanFile(input.path, input.content);
      return { packages: [], findings, notes };
    },
  };
}

/** The built-in rules and allow rules. */
export const builtinSecretAnalyzer: Analyzer = secretAnalyzer(new SecretScanner());
