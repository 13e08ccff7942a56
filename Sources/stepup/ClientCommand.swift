import ArgumentParser
import Foundation
import StepUpOIDC
import StepUpServer

/// `stepup client add|list|show|remove`: the OpenID Provider's relying parties.
struct ClientCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "client",
        abstract: "Register and manage OpenID Connect clients (relying parties).",
        subcommands: [Add.self, List.self, Show.self, Remove.self]
    )

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Register a client; a generated secret is printed once and stored only as a hash.")
        @OptionGroup var options: ConfigOptions
        @Argument(help: "The client_id.") var id: String
        @Option(name: .customLong("redirect-uri"), help: "An allowed redirect URI, matched exactly (repeatable).")
        var redirectURIs: [String] = []
        @Option(name: .customLong("post-logout-redirect-uri"), help: "An allowed post-logout redirect URI (repeatable).")
        var postLogoutRedirectURIs: [String] = []
        @Option(help: "Token endpoint authentication: none (public, PKCE), client_secret_basic, client_secret_post, private_key_jwt.")
        var auth: String = "client_secret_basic"
        @Option(name: .customLong("jwks-file"), help: "JWKS file with the client's public keys (private_key_jwt).")
        var jwksFile: String?
        @Option(help: "Space-separated scopes the client may request.")
        var scopes: String = "openid profile email offline_access"
        @Option(help: "Display name shown on the step-up page.") var name: String?
        @Option(help: "The access tokens' aud (the resource server); default the issuer.") var audience: String?
        @Option(name: .customLong("access-token-lifetime"), help: "Seconds (60…86400).") var accessTokenLifetime = 600
        @Option(name: .customLong("refresh-token-lifetime"), help: "Seconds.") var refreshTokenLifetime = 30 * 86_400
        @Option(name: .customLong("refresh-policy"),
                help: "When the level's max_age has passed: downgrade (tokens at the level still valid) or reauthenticate.")
        var refreshPolicy = "downgrade"
        @Flag(name: .customLong("first-party"), help: "May use the browserless challenge endpoint.") var firstParty = false
        @Option(name: .customLong("authorization-details-type"),
                help: "An RFC 9396 authorization_details type the client may request, e.g. payment_initiation (repeatable).")
        var authorizationDetailsTypes: [String] = []
        @Flag(name: .customLong("single-use-authorization-details"),
              help: "Access tokens with authorization_details are active at one introspection only.")
        var singleUseAuthorizationDetails = false

        func validate() throws {
            guard OIDCClient.Authentication(rawValue: auth) != nil else {
                throw ValidationError("--auth must be none, client_secret_basic, client_secret_post or private_key_jwt")
            }
            guard !redirectURIs.isEmpty else { throw ValidationError("give at least one --redirect-uri") }
            guard OIDCClient.RefreshPolicy(rawValue: refreshPolicy) != nil else {
                throw ValidationError("--refresh-policy must be downgrade or reauthenticate")
            }
            guard (60...86_400).contains(accessTokenLifetime) else {
                throw ValidationError("--access-token-lifetime must be 60…86400 seconds")
            }
            guard refreshTokenLifetime >= 60 else { throw ValidationError("--refresh-token-lifetime must be ≥ 60 seconds") }
            if auth == "private_key_jwt" && jwksFile == nil { throw ValidationError("private_key_jwt needs --jwks-file") }
            guard (1...128).contains(id.utf8.count), id.unicodeScalars.allSatisfy({ $0.isASCII && $0.value > 0x20 }) else {
                throw ValidationError("the client id must be 1…128 printable ASCII characters")
            }
            for type in authorizationDetailsTypes where !(1...128).contains(type.utf8.count)
                || !type.unicodeScalars.allSatisfy({ $0.isASCII && $0.value > 0x20 && $0.value < 0x7F }) {
                throw ValidationError("--authorization-details-type must be 1…128 printable ASCII characters without spaces")
            }
            if singleUseAuthorizationDetails && authorizationDetailsTypes.isEmpty {
                throw ValidationError("--single-use-authorization-details needs at least one --authorization-details-type")
            }
        }

        func run() async throws {
            var jwks: String?
            if let jwksFile {
                do {
                    jwks = try String(contentsOfFile: jwksFile, encoding: .utf8)
                } catch {
                    throw CLIError("cannot read --jwks-file \(jwksFile): \(error.localizedDescription)")
                }
            }
            let client = OIDCClient(
                id: id, name: name, redirectURIs: redirectURIs, postLogoutRedirectURIs: postLogoutRedirectURIs,
                authentication: OIDCClient.Authentication(rawValue: auth)!, jwks: jwks,
                allowedScopes: scopes.split(separator: " ").map(String.init),
                accessTokenLifetime: TimeInterval(accessTokenLifetime), idTokenLifetime: TimeInterval(accessTokenLifetime),
                refreshTokenLifetime: TimeInterval(refreshTokenLifetime),
                refreshPolicy: OIDCClient.RefreshPolicy(rawValue: refreshPolicy)!, firstParty: firstParty,
                audience: audience, authorizationDetailsTypes: authorizationDetailsTypes,
                singleUseAuthorizationDetails: singleUseAuthorizationDetails)
            try await UserCommand.withRuntime(options) { runtime in
                let secret: String?
                do {
                    secret = try await runtime.oidc.addClient(client)
                } catch let error as StepUpError {
                    throw CLIError(error.reason)
                }
                print("client_id=\(client.id)")
                if let secret {
                    print("client_secret=\(secret)")
                    print("# the secret is shown only now; StepUp keeps a hash of it")
                }
                print("issuer=\(runtime.oidc.issuer)")
            }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List registered clients.")
        @OptionGroup var options: ConfigOptions

        func run() async throws {
            try await UserCommand.withRuntime(options) { runtime in
                for client in try await runtime.oidc.clients() {
                    print("\(client.id)\t\(client.authentication.rawValue)\t\(client.redirectURIs.joined(separator: " "))")
                }
            }
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show one client (never its secret).")
        @OptionGroup var options: ConfigOptions
        @Argument var id: String

        func run() async throws {
            try await UserCommand.withRuntime(options) { runtime in
                guard let client = try await runtime.oidc.client(id: id) else { throw CLIError("no client named '\(id)'") }
                print("client_id=\(client.id)")
                print("name=\(client.name)")
                print("token_endpoint_auth_method=\(client.authentication.rawValue)")
                print("redirect_uris=\(client.redirectURIs.joined(separator: " "))")
                print("post_logout_redirect_uris=\(client.postLogoutRedirectURIs.joined(separator: " "))")
                print("scopes=\(client.allowedScopes.joined(separator: " "))")
                print("audience=\(client.audience ?? runtime.oidc.issuer)")
                print("access_token_lifetime=\(Int(client.accessTokenLifetime))")
                print("refresh_token_lifetime=\(Int(client.refreshTokenLifetime))")
                print("refresh_policy=\(client.refreshPolicy.rawValue)")
                print("first_party=\(client.firstParty)")
                print("authorization_details_types=\((client.authorizationDetailsTypes ?? []).joined(separator: " "))")
                print("single_use_authorization_details=\(client.detailsAreSingleUse)")
            }
        }
    }

    struct Remove: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Remove a client; its codes and tokens stop working.")
        @OptionGroup var options: ConfigOptions
        @Argument var id: String

        func run() async throws {
            try await UserCommand.withRuntime(options) { runtime in
                guard try await runtime.oidc.removeClient(id: id) else { throw CLIError("no client named '\(id)'") }
                print("removed \(id)")
            }
        }
    }
}
