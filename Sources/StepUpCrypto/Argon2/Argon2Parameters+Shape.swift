import StepUpArgon2

extension Argon2Parameters {
    /// The core's view of these parameters; nil outside RFC 9106's ranges.
    var shape: Argon2Shape? {
        Argon2Shape(variant: variant.core, version: version.core, memoryKiB: memoryKiB, iterations: iterations,
                    lanes: parallelism, tagLength: tagLength)
    }
}

extension Argon2Variant {
    var core: Argon2Shape.Variant {
        switch self {
        case .argon2d: .argon2d
        case .argon2i: .argon2i
        case .argon2id: .argon2id
        }
    }
}

extension Argon2Version {
    var core: Argon2Shape.Version {
        switch self {
        case .v10: .v10
        case .v13: .v13
        }
    }
}
