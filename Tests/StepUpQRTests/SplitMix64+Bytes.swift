import StepUpCore

extension SplitMix64 {
    /// `count` bytes from the seeded stream: QR payloads that replay from the printed seed.
    mutating func bytes(_ count: Int) -> [UInt8] {
        (0..<count).map { _ in UInt8.random(in: 0...255, using: &self) }
    }
}
