import ArgumentParser

/// A numeric option's lower bound, in the one wording every command uses ("--limit must be at least 1 (got 0).").
/// An absent option passes: its default applies.
func require(_ value: Int?, atLeast minimum: Int, _ option: String) throws {
    guard let value, value < minimum else { return }
    let bound = minimum == 0 ? "0 or more" : "at least \(minimum)"
    throw ValidationError("\(option) must be \(bound) (got \(value)).")
}
