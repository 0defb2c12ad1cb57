/**
 * The longest delay setTimeout honours (~24.8 days); a longer one fires at once instead, so limits
 * beyond it are treated as no limit.
 */
export const MAX_TIMER_MS = 2 ** 31 - 1;
