// Entry point of the Vigil language server (bundled to dist/server.js).
// VS Code starts it over IPC (--node-ipc); other editors run `node dist/server.js --stdio`.
// The same script runs DB updates and imports in a worker thread (see dbJob.ts).
import { isMainThread } from 'node:worker_threads';
import { createConnection, ProposedFeatures } from 'vscode-languageserver/node';
import { runDbJobOfWorker } from './dbJob';
import { startServer } from './server';
import { rejectRequestsAfterShutdown, watchFraming } from './transport';

if (!isMainThread) {
  runDbJobOfWorker();
} else {
  if (!process.argv.some(arg => arg === '--stdio' || arg === '--node-ipc' || arg.startsWith('--socket=') || arg.startsWith('--pipe='))) {
    process.stderr.write('Usage: node dist/server.js --stdio   (Vigil language server; VS Code starts it over IPC itself)\n');
    process.exit(2);
  }
  const shutdown = rejectRequestsAfterShutdown();
  const connection = createConnection(ProposedFeatures.all, { messageStrategy: shutdown.messageStrategy });
  shutdown.register(connection);
  startServer(connection, { workerEntry: __filename });
  if (process.argv.includes('--stdio')) {
    // After a header without a usable Content-Length the stream cannot be read on: say so and
    // exit, so that the client starts a fresh server.
    watchFraming(process.stdin, problem => {
      process.stderr.write(`vigil language server: received ${problem}; exiting so the client can restart the server\n`);
      process.exit(1);
    });
  }
}
