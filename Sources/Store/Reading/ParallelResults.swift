import Foundation

/// Results filled in by concurrent workers, one slot each.
final class ParallelResults<Value>: @unchecked Sendable {
    private let lock = NSLock()
    private var slots: [Result<Value, any Error>?]

    init(count: Int) { slots = Array(repeating: nil, count: count) }

    func set(_ index: Int, _ result: Result<Value, any Error>) {
        lock.lock(); defer { lock.unlock() }
        slots[index] = result
    }

    /// Every value in order, or the first error.
    func values() throws -> [Value] {
        lock.lock(); defer { lock.unlock() }
        return try slots.map { try $0!.get() }
    }
}

/// A connection handed to exactly one concurrent worker: it is never shared, which the compiler cannot see.
struct UncheckedReader: @unchecked Sendable {
    let store: any ExperimentReading
    init(_ store: any ExperimentReading) { self.store = store }
}
