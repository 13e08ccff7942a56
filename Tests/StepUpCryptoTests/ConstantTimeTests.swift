import Foundation
import Testing
@testable import StepUpCrypto

@Suite("Constant-time comparison", .timeLimit(.minutes(5)))
struct ConstantTimeTests {
    @Test func comparesBytesAndStrings() {
        #expect(ConstantTime.equals([UInt8](), [UInt8]()))
        #expect(ConstantTime.equals([1, 2, 3] as [UInt8], [1, 2, 3] as [UInt8]))
        #expect(!ConstantTime.equals([1, 2, 3] as [UInt8], [1, 2, 4] as [UInt8]))
        #expect(!ConstantTime.equals([1, 2, 3] as [UInt8], [1, 2] as [UInt8]))
        #expect(!ConstantTime.equals([1, 2] as [UInt8], [1, 2, 0] as [UInt8]))
        #expect(!ConstantTime.equals([] as [UInt8], [0] as [UInt8]))
        #expect(ConstantTime.equals("123456", "123456"))
        #expect(!ConstantTime.equals("123456", "123457"))
        #expect(!ConstantTime.equals("é", "e\u{301}"))  // exact bytes, no normalization
        #expect(ConstantTime.equals([1, 2, 3][...] as ArraySlice<UInt8>, [1, 2, 3] as [UInt8]))
    }
}
