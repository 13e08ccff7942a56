import StepUpCore
import StepUpTestSupport
import Testing
@testable import StepUpQR

/// The mask choice (ISO/IEC 18004 7.8.3) against segno's. Both score the same eight candidates, but segno's rule 3
/// resumes its search seven modules after a counted pattern, so it misses a second finder-like pattern that overlaps
/// the first (`0000 1011101 1101 0000`: two patterns, one with light before, one with light after). Where that
/// decides the choice the two differ; every such difference must be explained by exactly that.
@Suite("QR: mask choice against segno", .ownThread, .timeLimit(.minutes(5)))
struct MaskChoiceTests {
    static func finderLikes(_ line: String) -> Int {
        var penalty = QRMatrix.Penalty()
        QRMatrix.score(line.map { $0 == "1" }, into: &penalty)
        return penalty.finderLikes
    }

    /// Every 1:1:3:1:1 pattern with four light modules on either side scores 40, as ZXing counts them.
    @Test func finderLikePatternsAreCountedOnePerOccurrence() {
        #expect(Self.finderLikes("0000" + "1011101" + "1101" + "0000") == 80)  // overlapping pair: both count
        #expect(Self.finderLikes("0000" + "1011101" + "0000") == 40)  // light on both sides: still one pattern
        #expect(Self.finderLikes("1011101" + "1") == 40)  // the quiet zone before it is light
        #expect(Self.finderLikes("1000" + "1011101" + "0001") == 0)  // three light modules are not enough
        #expect(Self.finderLikes("0000" + "1001101" + "0000") == 0)
    }

    /// The eight masked candidates our encoder scores, before format and version information.
    static func candidates(_ bytes: [UInt8], level: QRErrorCorrection) -> [QRMatrix] {
        let version = QRVersion.smallest(holding: bytes.count, level: level)!
        var matrix = QRMatrix(version: version)
        matrix.place(QRCodewords.interleaved(bytes, version: version, level: level))
        return QRMask.all.map { matrix.masked($0) }
    }

    /// Rules 1, 2 and 4 score each candidate as segno does; rule 3 never less than segno.
    @Test func penaltyScoresAgree() throws {
        guard Segno.available() else { return }
        let inputs = [(20, QRErrorCorrection.medium), (150, .low), (700, .high), (1500, .medium)]
        let matrices = inputs.flatMap { Self.candidates([UInt8](repeating: 0xA7, count: $0), level: $1) }
        let scores = try Segno.penalties(matrices.map(\.rows))
        for (index, (matrix, theirs)) in zip(matrices, scores).enumerated() {
            let ours = matrix.penalty
            #expect([ours.runs, ours.blocks, ours.balance] == [theirs[0], theirs[1], theirs[3]], "matrix \(index)")
            #expect(ours.finderLikes >= theirs[2], "matrix \(index)")
        }
    }

    /// Both encoders left to choose: otpauth URIs of 40…400 bytes and a few edge inputs.
    @Test func automaticChoiceAgrees() throws {
        guard Segno.available() else { return }
        var inputs = (40...400).filter { $0 % 9 == 4 }.map { Array(ZbarTests.otpauthURI(length: $0).utf8) }
        inputs += [[], [0], Array("HELLO WORLD".utf8), [UInt8](repeating: 0, count: 100)]
        try expectSameChoice(inputs.map { ($0, QRErrorCorrection.medium) })
    }

    /// Random bytes of random lengths up to version 40's capacity, at random levels: no crash, same symbol.
    @Test func randomBytesAgree() throws {
        guard Segno.available() else { return }
        let seed = TestSeed.seed("MaskChoiceTests.randomBytesAgree")
        var rng = SplitMix64(seed: seed)
        var inputs: [([UInt8], QRErrorCorrection)] = []
        for _ in 0..<24 {
            let level = QRErrorCorrection.allCases.randomElement(using: &rng)!
            // Lengths spread over the versions rather than bunched at the top: capacity × u³.
            let u = Double.random(in: 0...1, using: &rng)
            inputs.append((rng.bytes(Int(Double(QRVersion(40)!.byteCapacity(level)) * u * u * u)), level))
        }
        inputs.append((rng.bytes(QRVersion(40)!.byteCapacity(.low)), .low))
        try expectSameChoice(inputs, context: "seed \(seed):")
    }

    /// Same symbol as segno's, or a different mask that segno's own scores of our candidates explain, with only
    /// rule 3 scored differently.
    private func expectSameChoice(_ inputs: [([UInt8], QRErrorCorrection)], context: String = "") throws {
        let codes = try inputs.map { try QRCode.encode($0, level: $1) }
        let symbols = try Segno.encode(zip(inputs, codes).map { Segno.request($0.0, like: $1, chooseMask: true) })
        let differing = codes.indices.filter { codes[$0].difference(from: symbols[$0]) != nil }
        let candidates = differing.map { Self.candidates(inputs[$0].0, level: inputs[$0].1) }
        let scores = differing.isEmpty ? [] : try Segno.penalties(candidates.flatMap { $0.map(\.rows) })
        for (k, index) in differing.enumerated() {
            let (bytes, level) = inputs[index], code = codes[index], symbol = symbols[index]
            let what = "\(context) \(bytes.count) bytes at \(level): segno mask \(symbol.mask), ours \(code.mask)"
            #expect(symbol.version == code.version, "\(what)")
            let theirs = Array(scores[k * 8..<k * 8 + 8]), ours = candidates[k].map(\.penalty)
            let segnoBest = theirs.indices.min { theirs[$0].reduce(0, +) < theirs[$1].reduce(0, +) }
            #expect(segnoBest == symbol.mask, "segno's choice is not the lowest of its scores: \(what)")
            for (our, their) in zip(ours, theirs) {
                #expect([our.runs, our.blocks, our.balance] == [their[0], their[1], their[3]], "\(what)")
                #expect(our.finderLikes >= their[2], "\(what)")
            }
            let forced = try QRCode.encode(bytes, level: level, mask: QRMask(symbol.mask))
            #expect(forced.difference(from: symbol) == nil, "\(what)")
            print("NOTE: \(what) (segno's rule 3 skips an overlapping finder-like pattern)")
        }
    }
}
