// Counted nouns in one wording everywhere: "1 image", "2,000 images".

/** n with thousands separators and the noun in the singular for exactly 1. */
export function counted(n: number, singular: string, plural = `${singular}s`): string {
  return `${n.toLocaleString('en-US')} ${n === 1 ? singular : plural}`;
}
