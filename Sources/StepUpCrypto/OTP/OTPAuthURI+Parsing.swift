import Foundation

extension OTPAuthURI {
    /// Parses a key URI as authenticator apps do.
    /// - Throws: ``OTPError/invalidURI(_:)`` or ``OTPError/invalidParameters(_:)``.
    public init(parsing text: String) throws(OTPError) {
        guard text.utf8.count <= 4096 else { throw .invalidURI("longer than 4096 bytes") }
        guard text.lowercased().hasPrefix("otpauth://") else { throw .invalidURI("scheme must be otpauth") }
        let rest = text.dropFirst("otpauth://".count)
        guard let slash = rest.firstIndex(of: "/"),
              let kind = Kind(rawValue: rest[..<slash].lowercased())
        else { throw .invalidURI("type must be totp or hotp") }
        let afterType = rest[rest.index(after: slash)...]
        let labelPart = afterType.prefix { $0 != "?" }
        let queryPart = afterType.dropFirst(labelPart.count + 1)
        // Issuer and account are separated by a literal ":" (what we write) or, failing that, "%3A".
        var labelIssuer: String?
        var accountPart = labelPart
        if let colon = labelPart.firstIndex(of: ":") {
            labelIssuer = Self.percentDecode(labelPart[..<colon])
            accountPart = labelPart[labelPart.index(after: colon)...]
        } else if let range = labelPart.range(of: "%3A", options: .caseInsensitive) {
            labelIssuer = Self.percentDecode(labelPart[..<range.lowerBound])
            accountPart = labelPart[range.upperBound...]
        }
        guard let decoded = Self.percentDecode(accountPart) else { throw .invalidURI("bad escape in label") }
        let account = String(decoded.drop { $0 == " " })
        guard !account.isEmpty else { throw .invalidURI("missing account name") }
        var parameters: [String: String] = [:]
        for pair in queryPart.split(separator: "&") {
            let key = pair.prefix { $0 != "=" }
            guard let value = Self.percentDecode(pair.dropFirst(key.count + 1)) else {
                throw .invalidURI("bad escape in \(key)")
            }
            parameters[key.lowercased()] = value
        }
        guard let secretText = parameters["secret"], !secretText.isEmpty else { throw .invalidURI("missing secret") }
        let secret = try Base32.decode(secretText)
        let algorithm = try Self.algorithm(parameters["algorithm"])
        let digits = try Self.integer(parameters["digits"], default: 6, range: 6...8, name: "digits")
        let period = try Self.integer(parameters["period"], default: 30, range: 1...3600, name: "period")
        var counter: UInt64 = 0
        if kind == .hotp {
            guard let text = parameters["counter"], let value = UInt64(text) else {
                throw .invalidURI("hotp needs a numeric counter")
            }
            counter = value
        }
        self.init(
            kind: kind, issuer: parameters["issuer"] ?? labelIssuer, account: account, secret: secret,
            algorithm: algorithm, digits: digits, period: period, counter: counter
        )
    }

    private static func algorithm(_ text: String?) throws(OTPError) -> OTPAlgorithm {
        guard let text else { return .sha1 }
        guard let algorithm = OTPAlgorithm(rawValue: text.uppercased()) else {
            throw .invalidParameters("algorithm must be SHA1, SHA256 or SHA512")
        }
        return algorithm
    }

    private static func integer(
        _ text: String?, default value: Int, range: ClosedRange<Int>, name: String
    ) throws(OTPError) -> Int {
        guard let text else { return value }
        guard text.count <= 6, let parsed = Int(text), range.contains(parsed) else {
            throw .invalidParameters("\(name) must be \(range.lowerBound)...\(range.upperBound)")
        }
        return parsed
    }
}
