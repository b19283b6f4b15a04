/**
 * Hover text for what `S:` patterns hold: reply codes (wildcards such as `2xx` included) and
 * RFC 3463 enhanced status codes. The meanings come from @smtp/codec; this module only words
 * them for the editor.
 */
import {
  describeEnhancedCode,
  describeReplyCode,
  type EnhancedClass,
  type ReplyClass,
  replyCodes,
} from '@smtp/codec';

/** The first digit of a reply code, in words. */
const CLASS_WORDS: Readonly<Record<ReplyClass, string>> = {
  preliminary: 'positive preliminary (SMTP defines none)',
  completion: 'positive completion: the command succeeded',
  intermediate: 'positive intermediate: the server waits for more input',
  transient: 'transient failure: the same command may succeed later',
  permanent: 'permanent failure: the same command will fail again',
};

/** The first digit of an enhanced status code, in words. */
const ENHANCED_CLASS_WORDS: Readonly<Record<EnhancedClass, string>> = {
  success: 'success',
  transient: 'persistent transient failure',
  permanent: 'permanent failure',
};

const CODE_PATTERN = /^[0-9x]{3}$/;

/**
 * Markdown for a reply code as an `S:` pattern writes it: `550`, or a wildcard such as `2xx` or
 * `25x`, which lists the known codes it matches. Undefined for text that is not a code pattern
 * or a code outside 100–599.
 */
export function replyCodeMarkdown(pattern: string): string | undefined {
  if (!CODE_PATTERN.test(pattern)) return undefined;
  if (pattern.includes('x')) return wildcardMarkdown(pattern);
  const code = Number(pattern);
  if (code < 100 || code > 599) return undefined;
  const info = describeReplyCode(code);
  const origin = info.rfcs.length > 0 ? ` · ${info.rfcs.join(', ')}` : '';
  return [`**${code}** ${info.title}${origin}`, info.description, `Class: ${CLASS_WORDS[info.class]}.`].join(
    '\n\n',
  );
}

function wildcardMarkdown(pattern: string): string {
  const matcher = new RegExp(`^${pattern.replaceAll('x', '[0-9]')}$`);
  const known = [...replyCodes.values()]
    .filter((info) => matcher.test(String(info.code)))
    .map((info) => `\`${info.code}\` ${info.title}`)
    .join(' · ');
  return [`**${pattern}** matches ${wildcardScope(pattern)}.`, known && `Known codes: ${known}`]
    .filter(Boolean)
    .join('\n\n');
}

/** Which codes a wildcard covers, in words: a range when only trailing digits are open. */
function wildcardScope(pattern: string): string {
  if (pattern.startsWith('x')) return `reply codes of the shape ${pattern}, of any class`;
  const codes = /^[0-9]+x+$/.test(pattern)
    ? `reply codes ${pattern.replaceAll('x', '0')}–${pattern.replaceAll('x', '9')}`
    : `reply codes of the shape ${pattern}`;
  const first = Number(pattern[0]);
  return first >= 1 && first <= 5 ? `${codes}, ${CLASS_WORDS[describeReplyCode(first * 100).class]}` : codes;
}

/** Markdown for an enhanced status code such as `5.1.1`; undefined when the text is not one. */
export function enhancedCodeMarkdown(code: string): string | undefined {
  const info = describeEnhancedCode(code);
  if (!info) return undefined;
  const origin = info.rfc ? ` · ${info.rfc}` : '';
  const lines = [
    `**${info.code}** ${info.title}${origin}`,
    info.description,
    `Class: ${ENHANCED_CLASS_WORDS[info.class]} · subject: ${info.subject}.`,
  ];
  if (!info.registered) lines.push('Not a registered code: the meaning is read from its class and subject.');
  return lines.join('\n\n');
}
