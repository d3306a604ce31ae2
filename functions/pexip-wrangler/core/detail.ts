import { FIELDS, LOG_MESSAGE_FIELDS } from '../contract';
import { splitLines, withLineBreaks } from './lines';
import { parseLiteral, type Literal } from './literal';
import { parseSip } from './sip';
import type { JsonRecord } from './types';

/**
 * The Detail pair, shaped by its class so the original's Athena columns keep their types:
 * `support.rest.*` → `log_message.Detail` is the parsed dict (struct column); every other class →
 * `log_message.Detail` is its lines (array<string> column). Extra parses go to top-level fields
 * the tables ignore: `sip` for support.sip.*, `detail_object` for a JSON/dict Detail elsewhere.
 */
export function isRestClass(cls: string): boolean {
  return cls.startsWith('support.rest.');
}

/** In a parsed dict, an SDP is kept as lines (the metadata's `sdp:array<string>`); other `^M` become line breaks. */
function shapeLiteral(root: Literal): Literal {
  // Iterative walk: nesting is bounded by the parser, but no recursion on input depth anyway.
  const todo: Literal[] = [root];
  while (todo.length > 0) {
    const node = todo.pop()!;
    if (node === null || typeof node !== 'object') continue;
    if (Array.isArray(node)) {
      for (let i = 0; i < node.length; i++) {
        const v = node[i]!;
        if (typeof v === 'string') node[i] = withLineBreaks(v);
        else todo.push(v);
      }
      continue;
    }
    for (const k of Object.keys(node)) {
      const v = node[k]!;
      if (typeof v === 'string') node[k] = k.toLowerCase() === 'sdp' ? splitLines(v) : withLineBreaks(v);
      else todo.push(v);
    }
  }
  return root;
}

function asObject(text: string): { value?: JsonRecord; error?: string } {
  const parsed = parseLiteral(text);
  if (!parsed.ok) return { error: parsed.error };
  const v = parsed.value;
  if (v === null || typeof v !== 'object' || Array.isArray(v)) return { error: 'not a dict' };
  return { value: shapeLiteral(v) as JsonRecord };
}

/**
 * Sets the Detail fields on `logMessage` / `record` from the Detail text. `linesField` names the
 * field a REST Detail's lines go to when it is no dict (`Detail_lines`, unless a pair took that name
 * in some casing: the caller keeps `log_message` names unique ignoring case).
 */
export function applyDetail(cls: string, text: string, logMessage: JsonRecord, record: JsonRecord, linesField: () => string = () => `${LOG_MESSAGE_FIELDS.detail}_lines`): void {
  const trimmed = text.trim();
  if (isRestClass(cls) && trimmed.startsWith('{')) {
    const { value, error } = asObject(trimmed);
    if (value) {
      logMessage[LOG_MESSAGE_FIELDS.detail] = value;
      return;
    }
    // The struct column cannot take lines: they go beside it, with the reason.
    logMessage[linesField()] = splitLines(text);
    record[FIELDS.detailError] = `Detail is not a Python or JSON dict: ${error}`;
    return;
  }
  const lines = splitLines(text);
  if (isRestClass(cls)) {
    logMessage[linesField()] = lines;
    return;
  }
  logMessage[LOG_MESSAGE_FIELDS.detail] = lines;
  if (cls.startsWith('support.sip.')) {
    const sip = parseSip(lines);
    if (sip) record[FIELDS.sip] = sip;
  } else if (trimmed.startsWith('{')) {
    const { value } = asObject(trimmed);
    if (value) record[FIELDS.detailObject] = value;
  }
}
