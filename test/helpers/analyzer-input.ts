// What the scan hands an analyzer for a text: the bytes too, for analyzers that read bytes.
import type { Analyzer, AnalyzerInput } from '../../server/src/engine/types';

export function analyzerInput(analyzer: Analyzer, path: string, content: string): AnalyzerInput {
  return analyzer.reads === 'bytes' ? { path, content: '', bytes: new TextEncoder().encode(content) } : { path, content };
}
