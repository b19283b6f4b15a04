/**
 * @smtp/session: the server side of SMTP and LMTP as a sans-IO state machine. Bytes in, actions
 * out; the application answers decisions; no sockets, timers or clocks inside.
 *
 * @packageDocumentation
 */
export * from './events.js';
export * from './policy.js';
export * from './replies.js';
export { type ConnectionOptions, ServerSession, type SessionInfo, type ShutdownMode } from './session.js';
export { COMMAND_STATES, type CommandState, type Greeting, type SessionState } from './state.js';
export {
  HANDLER_SUMMARIES,
  type HandlerName,
  LINE_CHECKS,
  renderTransitionTable,
  TABLE_VERBS,
  type TableVerb,
  TRANSITIONS,
  type Transition,
  transition,
} from './transitions.js';
