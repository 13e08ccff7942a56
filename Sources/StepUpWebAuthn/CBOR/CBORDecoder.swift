/// A strict, bounded CBOR decoder: everything RFC 8949 calls well-formed with definite lengths, and nothing else.
///
/// WebAuthn hands the server bytes an attacker chose, so the decoder refuses rather than guesses: indefinite
/// lengths, reserved additional-information values, duplicate map keys, invalid UTF-8, truncated items and (for
/// ``decode(_:)``) trailing bytes are all `malformed_cbor`. A declared length is checked against the bytes that
/// are left before anything is allocated, nesting is capped at ``maxDepth`` and the item count at ``maxItems``,
/// so no input can make it trap, recurse deeply or allocate more than a small multiple of its own size.
///
/// ```swift
/// let object = try CBORDecoder().decode(attestationObject)
/// let (key, end) = try CBORDecoder().decodePrefix(authData, from: 55 + credentialIdLength)
/// ```
public struct CBORDecoder: Sendable {
    /// Deepest nesting of arrays, maps and tags (WebAuthn needs 4).
    public var maxDepth: Int
    /// Most data items in one decode (each needs at least one input byte anyway).
    public var maxItems: Int

    public init(maxDepth: Int = 16, maxItems: Int = 65_536) {
        self.maxDepth = maxDepth
        self.maxItems = maxItems
    }

    /// Decodes exactly one item that spans all of `bytes`.
    public func decode(_ bytes: [UInt8]) throws -> CBOR {
        let (value, end) = try decodePrefix(bytes, from: 0)
        guard end == bytes.count else {
            throw WebAuthnError.malformedCBOR("\(bytes.count - end) trailing bytes after the CBOR item")
        }
        return value
    }

    /// Decodes the one item that starts at `offset`; returns it and the offset just past it.
    ///
    /// Authenticator data puts the credential public key and the extensions map back to back with no length
    /// prefix, so the caller needs to know where one item ends.
    public func decodePrefix(_ bytes: [UInt8], from offset: Int) throws -> (value: CBOR, end: Int) {
        guard offset >= 0, offset <= bytes.count else { throw WebAuthnError.malformedCBOR("offset out of range") }
        var reader = CBORReader(bytes: bytes, position: offset, maxDepth: maxDepth, itemBudget: maxItems)
        let value = try reader.item(depth: 0)
        return (value, reader.position)
    }
}
