/// The three Argon2 flavours (RFC 9106 §3.4): they differ only in how reference blocks are chosen.
public enum Argon2Variant: String, Sendable, Hashable, CaseIterable {
    /// Data-dependent addressing: fastest against GPUs, but leaks timing about the password.
    case argon2d
    /// Data-independent addressing: side-channel safe, weaker against trade-off attacks.
    case argon2i
    /// Argon2i for the first half of the first pass, then Argon2d: RFC 9106's recommendation.
    case argon2id
}

/// Argon2 versions. 0x13 (19) is RFC 9106; 0x10 (16) is the pre-RFC one some old hashes still use.
public enum Argon2Version: UInt32, Sendable, Hashable {
    case v10 = 0x10
    case v13 = 0x13
}
