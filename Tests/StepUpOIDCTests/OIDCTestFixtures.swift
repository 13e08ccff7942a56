import Foundation
import StepUpCore
@testable import StepUpOIDC

enum Fixtures {
    static let ladder = LevelLadder.nistDefault
    static let now = Date(timeIntervalSince1970: 1_800_000_000)
    static let challenge = PKCETests.challenge

    static let publicClient = OIDCClient(
        id: "spa", redirectURIs: ["https://app.example/cb", "http://127.0.0.1:8080/callback?x=1"],
        authentication: .none
    )
    static let confidentialClient = OIDCClient(
        id: "web", redirectURIs: ["https://web.example/cb"], authentication: .clientSecretBasic,
        secretHash: "$argon2id$unused"
    )

    static let detailsClient = OIDCClient(
        id: "shop", redirectURIs: ["https://shop.example/cb"], authentication: .none,
        authorizationDetailsTypes: ["payment_initiation"], singleUseAuthorizationDetails: true
    )

    static func lookup(_ id: String) -> OIDCClient? {
        [publicClient, confidentialClient, detailsClient].first { $0.id == id }
    }

    static func query(_ overrides: [String: String?] = [:], client: String = "spa",
                      redirect: String = "https://app.example/cb") -> [(String, String)] {
        var values: [String: String?] = [
            "client_id": client, "redirect_uri": redirect, "response_type": "code", "scope": "openid",
            "state": "st-123", "nonce": "n-456", "code_challenge": challenge, "code_challenge_method": "S256",
        ]
        for (name, value) in overrides { values[name] = value }
        return values.compactMap { name, value in value.map { (name, $0) } }.sorted { $0.0 < $1.0 }
    }

    static func parse(_ query: [(String, String)]) throws(AuthorizationRejection) -> AuthorizationRequest {
        try AuthorizationRequest.parse(query, client: lookup).0
    }

    static func session(_ events: [(FactorKind, TimeInterval)], id: String = "sess-1") -> Session {
        Session(
            id: id, userID: "user-1", createdAt: now - 86_400, lastSeenAt: now, expiresAt: now + 86_400,
            events: events.enumerated().map { index, event in
                AuthenticationEvent(id: "ev\(index)", factor: event.0, at: now - event.1)
            }
        )
    }
}
