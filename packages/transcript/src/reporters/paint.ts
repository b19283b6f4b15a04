/**
 * Terminal colours for the pretty reporter: ANSI when asked for (a TTY), plain text otherwise.
 */

/** Wraps text in a colour, or leaves it alone. */
export type Brush = (text: string) => string;

/** The colours the pretty reporter uses. */
export interface Paint {
  readonly green: Brush;
  readonly red: Brush;
  readonly yellow: Brush;
  readonly cyan: Brush;
  readonly dim: Brush;
  readonly bold: Brush;
}

const plain: Brush = (text) => text;

const ansi =
  (open: number, close: number): Brush =>
  (text) =>
    `\x1b[${open}m${text}\x1b[${close}m`;

/** ANSI colours when `color` is true, else identity brushes. */
export function paint(color: boolean): Paint {
  if (!color) return { green: plain, red: plain, yellow: plain, cyan: plain, dim: plain, bold: plain };
  return {
    green: ansi(32, 39),
    red: ansi(31, 39),
    yellow: ansi(33, 39),
    cyan: ansi(36, 39),
    dim: ansi(2, 22),
    bold: ansi(1, 22),
  };
}
