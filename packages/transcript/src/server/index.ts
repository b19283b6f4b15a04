/**
 * Served in reverse: a server that plays a transcript's `S:` lines to test an SMTP client and
 * checks what the client sends against the `C:` lines.
 */

export type {
  ScriptFailure,
  ScriptResult,
  ScriptSessionResult,
  ScriptSessionStatus,
} from './script-result.js';
export {
  createScriptServer,
  ScriptError,
  ScriptServer,
  type ScriptServerEvents,
  type ScriptServerOptions,
} from './script-server.js';
