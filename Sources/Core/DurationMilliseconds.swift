extension Duration {
    /// The duration in milliseconds, with its fraction: how runs' wall-clock durations are recorded.
    public var milliseconds: Double {
        Double(components.seconds) * 1000 + Double(components.attoseconds) / 1e15
    }
}
