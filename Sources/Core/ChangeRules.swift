/// The one rule that calls an input regressed, improved or slower between two experiments, shared by
/// `query compare` and the HTML report's comparison so that both always agree.
public enum ChangeRules {
    /// A median is "slower" when it is both this many times the baseline's and this many milliseconds more.
    public static let slowerRatio = 1.5
    public static let slowerMilliseconds = 50.0

    /// Every baseline run passed and some current run failed.
    public static func isRegression(baseRuns: Int, basePasses: Int, runs: Int, passes: Int) -> Bool {
        basePasses == baseRuns && passes != runs
    }

    /// Some baseline run failed and every current run passed.
    public static func isImprovement(baseRuns: Int, basePasses: Int, runs: Int, passes: Int) -> Bool {
        basePasses != baseRuns && passes == runs
    }

    /// The current median is past both `slowerRatio` and `slowerMilliseconds` of the baseline's.
    public static func isSlower(baseMedianMs: Double, medianMs: Double) -> Bool {
        medianMs > baseMedianMs * slowerRatio && medianMs - baseMedianMs > slowerMilliseconds
    }
}
