// swift-tools-version:6.2
import PackageDescription

// STEPUP_CORE_ONLY=1 builds only the I/O-free libraries (Core, Crypto, Geo, WebAuthn, QR) and their tests:
// a fast inner loop while working on them. CI and the README's commands always build everything.
let coreOnly = Context.environment["STEPUP_CORE_ONLY"] != nil

let swiftSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
]

var dependencies: [Package.Dependency] = [
    .package(url: "https://github.com/apple/swift-crypto.git", from: "4.5.2"),
    .package(url: "https://github.com/jpsim/Yams.git", from: "6.2.2"),
    .package(url: "https://github.com/hummingbird-project/hummingbird-auth.git", from: "2.5.0"),
    .package(url: "https://github.com/apple/swift-certificates.git", from: "1.21.1"),
    .package(url: "https://github.com/apple/swift-asn1.git", from: "1.7.4"),
]

var targets: [Target] = [
    .target(
        name: "StepUpCore",
        dependencies: [.product(name: "Yams", package: "Yams")],
        swiftSettings: swiftSettings
    ),
    // The Argon2/BLAKE2b core alone: no string parsing, only values StepUpCrypto has checked (issue #8).
    .target(
        name: "StepUpArgon2",
        // Argon2 is the hot path of every sign-in and of the test suite: optimise it in debug builds too.
        swiftSettings: swiftSettings + [
            .unsafeFlags(["-Ounchecked"], .when(configuration: .release)),
            .unsafeFlags(["-O"], .when(configuration: .debug)),
        ]
    ),
    // Parses untrusted input (PHC strings, base32, otpauth URIs, imported hashes): overflow and bounds checks stay on.
    .target(
        name: "StepUpCrypto",
        dependencies: [
            "StepUpArgon2",
            .product(name: "Crypto", package: "swift-crypto"),
            .product(name: "_CryptoExtras", package: "swift-crypto"),
            .product(name: "HummingbirdBcrypt", package: "hummingbird-auth"),
        ],
        swiftSettings: swiftSettings
    ),
    .target(
        name: "StepUpGeo",
        dependencies: ["StepUpCore"],
        swiftSettings: swiftSettings
    ),
    // QR code encoder for TOTP enrolment (issue #10): pure, no dependencies.
    .target(name: "StepUpQR", swiftSettings: swiftSettings),
    // Helpers the test targets share (seeds that print and replay); not a product.
    // Child processes started with posix_spawn (standard streams only, default signal handling): the tests'
    // external tools and the benchmarks' reference servers.
    .target(name: "StepUpProcess", swiftSettings: swiftSettings),
    .target(
        name: "StepUpTestSupport",
        dependencies: ["StepUpProcess", "StepUpWebAuthn", .product(name: "Crypto", package: "swift-crypto")],
        path: "Tests/StepUpTestSupport",
        swiftSettings: swiftSettings
    ),
    .testTarget(name: "StepUpCoreTests", dependencies: ["StepUpCore", "StepUpTestSupport"],
                swiftSettings: swiftSettings),
    .testTarget(
        name: "StepUpCryptoTests",
        dependencies: ["StepUpCrypto", "StepUpArgon2", "StepUpTestSupport"],
        swiftSettings: swiftSettings
    ),
    // WebAuthn ceremonies (issue #10): CBOR, COSE keys, authenticator data, attestation. Parses untrusted bytes,
    // so overflow and bounds checks stay on; no I/O (the server brings challenges, clock and stored credentials).
    .target(
        name: "StepUpWebAuthn",
        dependencies: [
            "StepUpCrypto",
            .product(name: "Crypto", package: "swift-crypto"),
            .product(name: "_CryptoExtras", package: "swift-crypto"),
            .product(name: "X509", package: "swift-certificates"),
            .product(name: "SwiftASN1", package: "swift-asn1"),
        ],
        swiftSettings: swiftSettings
    ),
    .testTarget(
        name: "StepUpWebAuthnTests",
        dependencies: [
            "StepUpWebAuthn", "StepUpTestSupport",
            .product(name: "Crypto", package: "swift-crypto"),
            .product(name: "_CryptoExtras", package: "swift-crypto"),
        ],
        exclude: ["Fixtures"],
        swiftSettings: swiftSettings
    ),
    .testTarget(
        name: "StepUpGeoTests",
        dependencies: ["StepUpGeo", "StepUpCore", "StepUpTestSupport"],
        resources: [.copy("Fixtures")],
        swiftSettings: swiftSettings
    ),
    .testTarget(
        name: "StepUpQRTests",
        dependencies: ["StepUpQR", "StepUpCore", "StepUpTestSupport"],
        exclude: ["Fixtures"],
        swiftSettings: swiftSettings
    ),
]

var products: [Product] = [
    .library(name: "StepUpCore", targets: ["StepUpCore"]),
    .library(name: "StepUpCrypto", targets: ["StepUpCrypto"]),
    .library(name: "StepUpGeo", targets: ["StepUpGeo"]),
    .library(name: "StepUpWebAuthn", targets: ["StepUpWebAuthn"]),
    .library(name: "StepUpQR", targets: ["StepUpQR"]),
]

if !coreOnly {
    dependencies += [
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache.git", from: "2.1.1"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/vapor/sql-kit.git", from: "3.36.0"),
        .package(url: "https://github.com/vapor/sqlite-kit.git", from: "4.5.2"),
        .package(url: "https://github.com/vapor/postgres-kit.git", from: "2.17.0"),
        .package(url: "https://github.com/vapor/postgres-nio.git", from: "1.33.2"),
        .package(url: "https://github.com/swift-server/async-http-client.git", from: "1.37.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
        .package(url: "https://github.com/hummingbird-project/hummingbird-websocket.git", from: "2.8.1"),
        .package(url: "https://github.com/vapor/jwt-kit.git", from: "5.7.1"),
        // Already in the graph through async-http-client; named for the SMTP client (Delivery/SMTP).
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.81.0"),
        .package(url: "https://github.com/apple/swift-nio-ssl.git", from: "2.29.0"),
    ]
    targets += [
        // OpenID Provider protocol logic (issue #12): requests, errors, PKCE, acr mapping, token claims, refresh
        // families. No Hummingbird, no store: the server brings clock, randomness and persistence.
        .target(
            name: "StepUpOIDC",
            dependencies: [
                "StepUpCore", "StepUpCrypto",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "JWTKit", package: "jwt-kit"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "StepUpOIDCTests",
            dependencies: ["StepUpOIDC", "StepUpCore", "StepUpTestSupport", .product(name: "JWTKit", package: "jwt-kit")],
            swiftSettings: swiftSettings
        ),
        // StepUpGuard (issue #12): verifies StepUp access tokens in other Swift servers; framework-agnostic.
        .target(
            name: "StepUpGuard",
            dependencies: [
                .product(name: "JWTKit", package: "jwt-kit"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "StepUpGuardHummingbird",
            dependencies: ["StepUpGuard", .product(name: "Hummingbird", package: "hummingbird")],
            swiftSettings: swiftSettings
        ),
        // An example resource server protected by StepUpGuard; the end-to-end tests run it.
        .executableTarget(
            name: "stepup-example-resource",
            dependencies: ["StepUpGuard", "StepUpGuardHummingbird", .product(name: "Hummingbird", package: "hummingbird"),
                           .product(name: "Logging", package: "swift-log")],
            path: "Sources/StepUpExampleResource",
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "StepUpGuardTests",
            dependencies: ["StepUpGuard", "StepUpGuardHummingbird", "StepUpOIDC", "StepUpCore", "StepUpTestSupport",
                           .product(name: "HummingbirdTesting", package: "hummingbird")],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "StepUpStore",
            dependencies: [
                "StepUpCore",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "SQLKit", package: "sql-kit"),
                .product(name: "SQLiteKit", package: "sqlite-kit"),
                .product(name: "PostgresKit", package: "postgres-kit"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "StepUpServer",
            dependencies: [
                "StepUpCore", "StepUpCrypto", "StepUpStore", "StepUpGeo", "StepUpWebAuthn", "StepUpQR", "StepUpOIDC",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "JWTKit", package: "jwt-kit"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Mustache", package: "swift-mustache"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "HummingbirdWebSocket", package: "hummingbird-websocket"),
                .product(name: "HummingbirdWSClient", package: "hummingbird-websocket"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
            ],
            swiftSettings: swiftSettings
        ),
        // The bench's reference: a bare Hummingbird handler (no StepUp code).
        .target(
            name: "StepUpBareHandler",
            dependencies: [
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        // `stepup bench decisions`: load generator and orchestration (libraries ship no benchmarks).
        .target(
            name: "StepUpBench",
            dependencies: [
                "StepUpBareHandler", "StepUpProcess",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "stepup",
            dependencies: [
                "StepUpServer", "StepUpCore", "StepUpCrypto", "StepUpStore", "StepUpGeo", "StepUpBench", "StepUpBareHandler",
                "StepUpWebAuthn", "StepUpProcess", "StepUpOIDC", "StepUpGuard",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "StepUpStoreTests",
            dependencies: ["StepUpStore", "StepUpCore", "StepUpTestSupport", .product(name: "SQLKit", package: "sql-kit"),
                           .product(name: "NIOPosix", package: "swift-nio")],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "StepUpServerTests",
            dependencies: [
                "StepUpServer", "StepUpCore", "StepUpCrypto", "StepUpStore", "StepUpWebAuthn", "StepUpTestSupport",
                .product(name: "HummingbirdTesting", package: "hummingbird"),
            ],
            exclude: ["Sinks"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "StepUpAdversaryTests",
            dependencies: [
                "StepUpServer", "StepUpCore", "StepUpCrypto", "StepUpStore", "StepUpGeo", "StepUpTestSupport",
                "StepUpWebAuthn", "StepUpOIDC", .product(name: "JWTKit", package: "jwt-kit"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "StepUpEndToEndTests",
            dependencies: [
                "StepUpCrypto", "StepUpCore", "StepUpTestSupport", "StepUpWebAuthn", "StepUpBench",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
            ],
            exclude: ["Browser"]
        ),
    ]
    products += [
        .executable(name: "stepup", targets: ["stepup"]),
        .library(name: "StepUpGuard", targets: ["StepUpGuard"]),
        .library(name: "StepUpGuardHummingbird", targets: ["StepUpGuardHummingbird"]),
    ]
}

let package = Package(
    name: "stepup",
    platforms: [.macOS(.v15)],
    products: products,
    dependencies: dependencies,
    targets: targets
)
