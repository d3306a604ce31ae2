/** Pexip writes a line break inside a value as the two characters `^M`. */
export const LINE_BREAK = '^M';

/** A value's lines: split at `^M` (and real CR/LF), empty lines at the start and end dropped, inner ones kept (SIP needs the blank line before its body). */
export function splitLines(text: string): string[] {
  const parts = (text.indexOf(LINE_BREAK) >= 0 ? text.split(LINE_BREAK) : [text]).flatMap((p) => (p.indexOf('\n') >= 0 || p.indexOf('\r') >= 0 ? p.split(/\r\n|\r|\n/) : [p]));
  let a = 0;
  let b = parts.length;
  while (a < b && parts[a]!.trim() === '') a++;
  while (b > a && parts[b - 1]!.trim() === '') b--;
  return parts.slice(a, b);
}

/** A single-valued text with `^M` written as real line breaks. */
export function withLineBreaks(text: string): string {
  return text.indexOf(LINE_BREAK) < 0 ? text : text.split(LINE_BREAK).join('\n');
}
