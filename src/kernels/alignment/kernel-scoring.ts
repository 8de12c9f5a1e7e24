// BLASTN's default nucleotide scoring: match +2, mismatch -3, and a gap of length k costs 5 + 2k
// (open 5, extend 2), so its first letter costs 7 and every further one 2.
export const MATCH: i32 = 2;
export const MISMATCH: i32 = -3;
export const GAP_EXTEND: i32 = 2;
export const GAP_OPEN_EXTEND: i32 = 7;
/** Minus infinity for the gap states: far enough below zero that subtracting never wraps an i32. */
export const NEG: i32 = -0x40000000;
/** The striped path's lanes are i16: a query this long cannot score above 2·10000 < 32767. */
export const MAX_QUERY: i32 = 10000;
