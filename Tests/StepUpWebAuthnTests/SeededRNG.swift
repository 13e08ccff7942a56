/// xorshift64*: small and seeded, so a failing random case replays from the printed seed.
struct SeededRNG: RandomNumberGenerator {
    private var state: UInt64

    /// Any seed works: zero (the one fixed point of xorshift) is moved off.
    init(seed: UInt64) { state = seed == 0 ? 0x853C_49E6_748F_EA9B : seed }

    mutating func next() -> UInt64 {
        state ^= state >> 12
        state ^= state << 25
        state ^= state >> 27
        return state &* 0x2545_F491_4F6C_DD1D
    }

    mutating func below(_ bound: Int) -> Int { Int(next() % UInt64(bound)) }
}
