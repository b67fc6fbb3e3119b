// Time in tests is always explicit: at('2026-11-25T10:00Z') is the `now` passed to decide().
export function at(iso: string): Date {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) throw new Error(`at(): not a date: ${iso}`);
  return d;
}

/** An inclusive out-of-office range of local dates, as a rep's `away` entry. */
export function days(from: string, to: string): { from: string; to: string } {
  return { from, to };
}

/** Mon-Fri with the same span, as a rep's workingHours. */
export function weekdaysHours(span = '09:00-17:00') {
  return { mon: [span], tue: [span], wed: [span], thu: [span], fri: [span] };
}
