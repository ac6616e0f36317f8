// Text that came from the agent socket or from Entra ID is shown to a person in a terminal: an
// agent planted by another user (or a hostile error description) must not be able to move the
// cursor, rewrite earlier lines, set the window title or hide text. Kept dependency-free: the
// `pgentra token` fast path uses it.

// Whole escape sequences first, so their parameters do not survive as visible garbage:
// CSI (ESC [ … final), OSC/DCS/APC/PM/SOS (ESC ] … BEL or ST), then any other ESC + one char.
const ESCAPE_SEQUENCES =
  // eslint-disable-next-line no-control-regex
  /\u001b\[[0-?]*[ -/]*[@-~]?|\u001b[\]PX^_][^\u0007\u001b\u009c]*(?:\u0007|\u001b\\|\u009c)?|\u001b[^[\]PX^_]?|\u009b[0-?]*[ -/]*[@-~]?/g;
// C0 except tab and newline, DEL, C1; and the bidirectional overrides that reorder what is shown.
// eslint-disable-next-line no-control-regex
const CONTROLS = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g;
// eslint-disable-next-line no-control-regex
const CONTROLS_AND_NEWLINES = /[\u0000-\u0008\u000a-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g;

/**
 * `text` with terminal control sequences removed. Newlines stay only with `multiline` (an error
 * message may span lines; a table cell must not).
 */
export function printable(text: string, options: { multiline?: boolean } = {}): string {
  const withoutSequences = text.replace(ESCAPE_SEQUENCES, '');
  return options.multiline
    ? withoutSequences.replace(CONTROLS, '')
    : withoutSequences.replace(CONTROLS_AND_NEWLINES, ' ');
}
