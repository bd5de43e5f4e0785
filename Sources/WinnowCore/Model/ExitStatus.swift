/// Every exit status of the `winnow` command, in one place (README, "Exit status"; the help's
/// overview). Cron jobs and schedulers act on them, so they never change meaning.
public enum ExitStatus: Int32, Sendable, CaseIterable {
    /// Everything asked was done.
    case success = 0
    /// The run failed: nothing or only part written (output, index or work directory not writable,
    /// a phase's input missing). A run that fails commits nothing.
    case failed = 1
    /// The run finished, but some input was damaged or unreadable (counted in the summary).
    case inputErrors = 2
    /// `winnow slurm status`: the submission has not finished (some task has no marker).
    case incomplete = 3
    /// A usage error or an invalid pipeline file (sysexits' EX_USAGE).
    case usage = 64
    /// Another run holds the output directory's lock; this one did nothing (sysexits' EX_TEMPFAIL).
    case lockHeld = 75
}
