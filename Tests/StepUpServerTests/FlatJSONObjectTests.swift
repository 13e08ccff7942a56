import Foundation
import NIOCore
import Testing
@testable import StepUpServer

/// The fast reading of flat decision bodies never accepts a body `JSONDecoder` refuses and never reads one
/// differently; everything outside its narrow shape goes to the decoder.
@Suite("Flat JSON bodies")
struct FlatJSONObjectTests {
    static let bodies: [String] = [
        #"{"action":"reports.view"}"#,
        #" { "action" : "bank.transfer" , "grant" : "chl_abc" , "explain" : true } "#,
        #"{"explain":false,"action":"x"}"#,
        "{\"action\":\"caf\u{E9} \u{1F600}\"}",
        #"{}"#,
        #"{"action":"a","action":"b"}"#,
        #"{"action":"a\"b"}"#,
        #"{"action":"a\u0041"}"#,
        "{\"action\":\"tab\there\"}",
        #"{"action":"a",}"#,
        #"{"action":"a"} x"#,
        #"{"action":"a"}}"#,
        #"{"action":null}"#,
        #"{"action":1}"#,
        #"{"action":"a","explain":"yes"}"#,
        #"{"action":"a","explain":tru}"#,
        #"{"action":"a","explain":truex}"#,
        #"{"action":"a","grant":true}"#,
        #"{"action":"a","resource":{"id":"1"}}"#,
        #"{"action":"a","context":{"attributes":{"amount":5}}}"#,
        #"{"action":"a","unknown":"b"}"#,
        #"{"action""a"}"#,
        #"{"action":"a""#,
        #"["action"]"#,
        #""#,
        #"{"#,
        #"{"action":"a" "grant":"b"}"#,
    ]

    private func decoded(_ text: String) -> DecisionBody? {
        try? JSONDecoder().decode(DecisionBody.self, from: Data(text.utf8))
    }

    @Test(arguments: bodies)
    func agreesWithTheDecoderWheneverItReadsABody(_ text: String) {
        guard let flat = DecisionBody.flat(ByteBuffer(string: text).readableBytesView) else { return }
        let reference = decoded(text)
        #expect(reference != nil, "the decoder refuses \(text)")
        #expect(flat.action == reference?.action)
        #expect(flat.grant == reference?.grant)
        #expect(flat.explain == reference?.explain)
        #expect(reference?.resource == nil && reference?.context == nil)
    }

    @Test func readsTheCommonShapesAndLeavesTheRestToTheDecoder() {
        func flat(_ text: String) -> DecisionBody? { DecisionBody.flat(ByteBuffer(string: text).readableBytesView) }
        #expect(flat(#"{"action":"reports.view"}"#)?.action == "reports.view")
        let full = flat(#" { "action" : "bank.transfer" , "grant" : "chl_abc" , "explain" : true } "#)
        #expect(full?.action == "bank.transfer" && full?.grant == "chl_abc" && full?.explain == true)
        #expect(flat("{\"action\":\"caf\u{E9}\"}")?.action == "caf\u{E9}")
        // Outside the shape: nil, for the decoder (which reads or refuses them with its precise messages).
        for text in [#"{"action":"a\"b"}"#, #"{"action":"a","action":"b"}"#, #"{"action":"a","resource":{}}"#,
                     #"{"action":1}"#, #"{}"#, #"{"action":"a"} x"#, #"{"grant":"g"}"#] {
            #expect(flat(text) == nil, "\(text)")
        }
        // Invalid UTF-8 inside a string.
        var buffer = ByteBuffer(string: #"{"action":""#)
        buffer.writeBytes([0xC3, 0x28])
        buffer.writeString(#""}"#)
        #expect(DecisionBody.flat(buffer.readableBytesView) == nil)
    }
}
