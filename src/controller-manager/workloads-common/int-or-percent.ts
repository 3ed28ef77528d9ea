// IntOrString values such as maxSurge "25%" or 1, scaled against a total (upstream's GetScaledValueFromIntOrPercent).

/**
 * An integer is itself; "N%" is N% of total, rounded up or down. Other strings and missing values
 * count as `dflt` (the API validates these fields, so this only guards against bad input).
 */
export function scaledValue(v: unknown, total: number, roundUp: boolean, dflt = 0): number {
  if (typeof v === 'number' && Number.isFinite(v)) return Math.trunc(v);
  if (typeof v === 'string') {
    const m = /^(-?\d+)%$/.exec(v);
    if (m) {
      const x = (Number(m[1]) * total) / 100;
      return roundUp ? Math.ceil(x) : Math.floor(x);
    }
    if (/^-?\d+$/.test(v)) return Number(v);
  }
  return dflt;
}
