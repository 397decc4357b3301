import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { Analyses, type FileState } from './scanning';
import type { Folder } from './workspace';

const folder: Folder = { uri: 'file:///ws', fsPath: path.resolve('/ws') };
const at = (relPath: string) => path.join(folder.fsPath, ...relPath.split('/'));
const state = (relPath: string, reads?: string[]): FileState => ({ fsPath: at(relPath), folder, relPath, results: [], errors: [], reads });

describe('lsp: the analyses and the files they read', () => {
  it('finds the analyses that read a file, and forgets them when they are redone or dropped', () => {
    const analyses = new Analyses();
    analyses.set(at('app/pom.xml'), state('app/pom.xml', ['pom.xml']));
    analyses.set(at('lib/pom.xml'), state('lib/pom.xml', ['pom.xml', 'bom/pom.xml']));
    analyses.set(at('requirements.txt'), state('requirements.txt', ['base.txt']));
    assert.deepEqual([...analyses.readersOf(at('pom.xml'))].sort(), [at('app/pom.xml'), at('lib/pom.xml')]);
    assert.deepEqual([...analyses.readersOf(at('base.txt'))], [at('requirements.txt')]);
    assert.equal(analyses.readersOf(at('other.txt')).size, 0);

    analyses.set(at('lib/pom.xml'), state('lib/pom.xml')); // redone: its parent is gone
    assert.deepEqual([...analyses.readersOf(at('pom.xml'))], [at('app/pom.xml')]);
    assert.equal(analyses.readersOf(at('bom/pom.xml')).size, 0);

    analyses.delete(at('app/pom.xml'));
    assert.equal(analyses.readersOf(at('pom.xml')).size, 0);
    analyses.clear();
    assert.equal(analyses.readersOf(at('base.txt')).size, 0);
  });
});
