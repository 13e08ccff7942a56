// BLAKE2b moved to StepUpArgon2 with the Argon2 core (issue #8); re-exported so callers keep `import StepUpCrypto`.
@_exported import StepUpArgon2
