// Entry point of the Vigil language server (bundled to dist/server.js).
// VS Code starts it over IPC (--node-ipc); other editors run `node dist/server.js --stdio`.
// The same script runs DB updates and imports in a worker thread (see dbJob.ts).
import { isMainThread } from 'node:worker_threads';
import { createConnection, ProposedFeatures } from 'vscode-languageserver/node';
import { runDbJobOfWorker } from './dbJob';
import { startServer } from './server';

if (!isMainThread) {
  runDbJobOfWorker();
} else {
  if (!process.argv.some(arg => arg === '--stdio' || arg === '--node-ipc' || arg.startsWith('--socket=') || arg.startsWith('--pipe='))) {
    process.stderr.write('Usage: node dist/server.js --stdio   (Vigil language server; VS Code starts it over IPC itself)\n');
    process.exit(2);
  }
  startServer(createConnection(ProposedFeatures.all), { workerEntry: __filename });
}
