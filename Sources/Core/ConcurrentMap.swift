import Dispatch

/// `body` over the two halves of `0..<count` side by side; the results in order (first half, second half). Long
/// lists whose elements are built or written independently (a comparison's 10,000 inputs) use both cores this way.
public func concurrentHalves<T: Sendable>(of count: Int, _ body: @Sendable (Range<Int>) -> T) -> [T] {
    let middle = count / 2
    let halves = Locked<[T?]>([nil, nil])
    DispatchQueue.concurrentPerform(iterations: 2) { half in
        let part = body(half == 0 ? 0..<middle : middle..<count)
        halves.withLock { $0[half] = part }
    }
    return halves.value.map { $0! }
}

extension Array where Element: Sendable {
    /// `map` in two halves side by side once there are `minimumCount` elements; the result is in order.
    public func concurrentMap<T: Sendable>(minimumCount: Int = 4096, _ transform: @Sendable (Element) -> T) -> [T] {
        guard count >= minimumCount else { return map(transform) }
        return concurrentHalves(of: count) { self[$0].map(transform) }.flatMap { $0 }
    }
}
