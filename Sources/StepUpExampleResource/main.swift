import Foundation
import Hummingbird
import Logging
import StepUpGuard
import StepUpGuardHummingbird

/// An example resource server protected by StepUpGuard (what an application behind StepUp looks like):
///   GET  /public    no token
///   GET  /profile   any StepUp access token
///   POST /transfer  aal2, authenticated within the last 300 seconds
/// Usage: stepup-example-resource ISSUER AUDIENCE [PORT]
struct ExampleContext: StepUpGuardContext {
    var coreContext: CoreRequestContextStorage
    var verifiedToken: VerifiedToken?

    init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
    }
}

let arguments = CommandLine.arguments
guard arguments.count >= 3 else {
    FileHandle.standardError.write(Data("usage: stepup-example-resource ISSUER AUDIENCE [PORT]\n".utf8))
    exit(2)
}
let verifier = StepUpVerifier(issuer: arguments[1], audience: arguments[2])
let router = Router(context: ExampleContext.self)
router.get("public") { _, _ in "hello\n" }
router.group("profile")
    .add(middleware: StepUpGuardMiddleware(verifier, requirement: GuardRequirement()))
    .get { _, context in "profile of \(context.verifiedToken?.sub ?? "?")\n" }
router.group("transfer")
    .add(middleware: StepUpGuardMiddleware(verifier, requirement: GuardRequirement(acr: "urn:stepup:acr:aal2", maxAge: 300)))
    .post { _, context in "transfer approved for \(context.verifiedToken?.sub ?? "?") at \(context.verifiedToken?.acr ?? "?")\n" }

let port = arguments.count > 3 ? Int(arguments[3]) ?? 0 : 0
let app = Application(
    router: router,
    configuration: .init(address: .hostname("127.0.0.1", port: port), serverName: "StepUpExample"),
    onServerRunning: { channel in
        let line = "Example resource server listening on http://127.0.0.1:\(channel.localAddress?.port ?? 0)\n"
        FileHandle.standardOutput.write(Data(line.utf8))
    },
    logger: Logger(label: "example")
)
try await app.runService()
