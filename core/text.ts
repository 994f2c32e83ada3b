/**
 * The text without trailing runs of `char`. A loop, not /x+$/: that expression retries from every
 * position of a long run and takes quadratic time.
 */
export function trimTrailing(text: string, char: string): string {
  let end = text.length;
  while (end > 0 && text[end - 1] === char) end--;
  return text.slice(0, end);
}
