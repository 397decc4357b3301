// Two faults of the wire that vscode-languageserver leaves to us.
//
// 1. Framing. A message whose header has no usable Content-Length (missing, `abc`, negative,
//    absurdly large) leaves no way to find where the next message starts; vscode-jsonrpc then
//    stops answering without a word, or waits for 99 GB. `watchFraming` reads the same bytes
//    alongside it and reports such a header, so the server can log it and exit, and the client
//    restart it.
// 2. Shutdown. The LSP spec wants requests after `shutdown` to fail with InvalidRequest; the
//    library would still run their handlers. `rejectRequestsAfterShutdown` turns them away.
import type { Readable } from 'node:stream';
import { ErrorCodes, Message, ResponseError, type Connection, type MessageStrategy, type RequestMessage } from 'vscode-languageserver/node';

/** Larger messages are refused. The biggest real ones (a whole lockfile in didOpen) are a few MB. */
export const MAX_CONTENT_LENGTH = 256 * 1024 * 1024;
/** A header is a line or two; this much without its end means the stream is not LSP. */
const MAX_HEADER_BYTES = 8 * 1024;
const HEADER_END = Buffer.from('\r\n\r\n');

/**
 * Follows the message framing of `input` (the bytes vscode-jsonrpc also reads) and calls
 * `onFault` once with what is wrong when a header cannot be used.
 */
export function watchFraming(input: Readable, onFault: (problem: string) => void, maxContentLength = MAX_CONTENT_LENGTH): void {
  let header = Buffer.alloc(0);
  let bodyLeft = 0;
  const onData = (chunk: Buffer) => {
    let rest = chunk;
    while (rest.length > 0) {
      if (bodyLeft > 0) {
        const take = Math.min(bodyLeft, rest.length);
        bodyLeft -= take;
        rest = rest.subarray(take);
        continue;
      }
      header = Buffer.concat([header, rest]);
      const end = header.indexOf(HEADER_END);
      if (end === -1) {
        if (header.length > MAX_HEADER_BYTES) fault(`a message header longer than ${MAX_HEADER_BYTES} bytes`);
        return;
      }
      const length = contentLength(header.subarray(0, end).toString('latin1'), maxContentLength);
      if (typeof length === 'string') {
        fault(length);
        return;
      }
      bodyLeft = length;
      rest = header.subarray(end + HEADER_END.length);
      header = Buffer.alloc(0);
    }
  };
  const fault = (problem: string) => {
    input.off('data', onData);
    onFault(problem);
  };
  input.on('data', onData);
}

/** The body length a header announces, or what is wrong with it (never quoting it at length). */
function contentLength(header: string, max: number): number | string {
  for (const line of header.split('\r\n')) {
    const colon = line.indexOf(':');
    if (colon === -1 || line.slice(0, colon).trim().toLowerCase() !== 'content-length') continue;
    const value = line.slice(colon + 1).trim();
    if (!/^[0-9]{1,15}$/.test(value)) return 'a Content-Length that is not a whole number of bytes';
    const length = Number(value);
    return length <= max ? length : `a Content-Length of ${length} bytes, over the ${max}-byte limit`;
  }
  return 'a message header without Content-Length';
}

const AFTER_SHUTDOWN = 'vigil/$requestAfterShutdown';

/**
 * A message strategy for createConnection that sends every request after `shutdown` to a
 * handler answering InvalidRequest; call `register` on the connection it was given to.
 */
export function rejectRequestsAfterShutdown(): { messageStrategy: MessageStrategy; register(connection: Connection): void } {
  let shutDown = false;
  return {
    messageStrategy: {
      handleMessage(message, next) {
        if (!Message.isRequest(message)) return next(message);
        if (shutDown) return next({ ...message, method: AFTER_SHUTDOWN, params: { method: message.method } } as RequestMessage);
        if (message.method === 'shutdown') shutDown = true;
        next(message);
      },
    },
    register(connection) {
      connection.onRequest(AFTER_SHUTDOWN, (params: { method: string }) => {
        throw new ResponseError(ErrorCodes.InvalidRequest, `${params.method}: the server is shutting down; only exit is accepted`);
      });
    },
  };
}
