import type { HandlerName } from '../transitions.js';
import { auth } from './auth.js';
import { bdat } from './bdat.js';
import { data } from './data.js';
import { greet } from './greet.js';
import { help } from './help.js';
import { mail } from './mail.js';
import { rcpt } from './rcpt.js';
import { noop, quit, rset } from './simple.js';
import { starttls } from './starttls.js';
import type { Handler } from './support.js';
import { expn, vrfy } from './verify.js';

/** Every handler the transition table can name. */
export const HANDLERS: Readonly<Record<HandlerName, Handler>> = {
  greet,
  mail,
  rcpt,
  data,
  bdat,
  rset,
  noop,
  quit,
  help,
  vrfy,
  expn,
  starttls,
  auth,
};
