import Testing
@testable import StepUpWebAuthn
