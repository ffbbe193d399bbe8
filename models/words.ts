/**
 * Number and word formatting shared by the models' own wording (fault descriptions) and the reports. Pure
 * functions of their arguments (no locale, no clock), so the same run always yields the same bytes.
 */

/** A number with at most 3 decimals and no trailing zeros (never exponent notation for our ranges). */
export function trimNumber(value: number): string {
  const fixed = value.toFixed(3);
  return fixed.includes('.') ? fixed.replace(/\.?0+$/, '') : fixed;
}

/** 1 -> "1st", 2 -> "2nd", 3 -> "3rd", 11 -> "11th". */
export function ordinal(value: number): string {
  const tens = value % 100;
  if (tens >= 11 && tens <= 13) return `${value}th`;
  const suffix = ({ 1: 'st', 2: 'nd', 3: 'rd' } as Record<number, string>)[value % 10] ?? 'th';
  return `${value}${suffix}`;
}
