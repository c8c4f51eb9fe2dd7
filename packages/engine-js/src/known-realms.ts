/**
 * Realm shapes whose discovery of intrinsics (see guest-intrinsics) finds everything with
 * its walk and syntax probes: a state of such a shape skips the discovery's second phase,
 * the factory calls, which cost more than the rest of a state's set-up (most of a cold
 * process's first state).
 *
 * A shape is learned when a full discovery finds nothing beyond the first phase. For the
 * QuickJS this package pins and loads by default, the answer is known in advance: the
 * known-realms test runs the full discovery on that build and fails if it finds another
 * shape or anything extra, so the first state of a process need not find it again. A
 * realm of any other shape (another build, another variant) still runs the full discovery.
 */
const PINNED_RELEASE_REALMS: readonly string[] = ['610:25']

/** Shapes learned in this process (by full discoveries, or the pinned build's). */
const LEARNED = new Set<string>()

/** The shapes a new state may treat as known: learned ones, plus the pinned build's for it. */
export function knownRealms(pinnedBuild: boolean): string[] {
  return pinnedBuild ? [...new Set([...LEARNED, ...PINNED_RELEASE_REALMS])] : [...LEARNED]
}

/**
 * Records what a state's discovery reported: a full one that found nothing extra teaches its
 * shape; a partial one ran because its shape was already known (kept for other variants of
 * the process, as a learned shape is).
 */
export function learnRealm(report: { signature: string; full: boolean; extra: number }): void {
  if (!report.full || report.extra === 0) LEARNED.add(report.signature)
}

/** Shapes learned so far in this process (tests). */
export function learnedRealms(): ReadonlySet<string> {
  return LEARNED
}

/** The pinned build's shapes (tests). */
export const PINNED_REALMS = PINNED_RELEASE_REALMS
