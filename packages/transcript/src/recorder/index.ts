/**
 * Recording: a proxy that writes the SMTP sessions passing through it as replayable transcripts.
 */
export { SecretNames, type SecretNote } from './auth-template.js';
export type { Upstream } from './proxied-session.js';
export {
  createRecorder,
  type RecorderEvents,
  type RecorderOptions,
  RecordingProxy,
} from './record-proxy.js';
export { formatRecording, type RecordedSession, type Recording } from './recording-file.js';
export { type RecordedEnding, type ServerChunkOutcome, SessionRecorder } from './session-recorder.js';
