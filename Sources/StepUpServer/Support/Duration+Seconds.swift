extension Duration {
    /// The duration in seconds, as `TimeInterval` APIs take it.
    var seconds: Double {
        Double(components.seconds) + Double(components.attoseconds) / 1e18
    }
}
