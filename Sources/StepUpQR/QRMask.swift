/// One of the eight data mask patterns (ISO/IEC 18004 table 10): where it is true, a data module is inverted,
/// so the symbol avoids large blocks of one colour and patterns a reader could take for a finder.
struct QRMask: Sendable, Hashable {
    static let all = (0..<8).map(QRMask.init(unchecked:))

    /// The mask pattern reference, 0…7, written into the format information.
    let number: Int

    private init(unchecked number: Int) { self.number = number }

    init?(_ number: Int) {
        guard (0..<8).contains(number) else { return nil }
        self.number = number
    }

    /// Whether the module in column `x`, row `y` is inverted (the standard writes i for the row, j for the column).
    func inverts(x: Int, y: Int) -> Bool {
        switch number {
        case 0: (x + y) % 2 == 0
        case 1: y % 2 == 0
        case 2: x % 3 == 0
        case 3: (x + y) % 3 == 0
        case 4: (x / 3 + y / 2) % 2 == 0
        case 5: (x * y) % 2 + (x * y) % 3 == 0
        case 6: ((x * y) % 2 + (x * y) % 3) % 2 == 0
        default: ((x + y) % 2 + (x * y) % 3) % 2 == 0
        }
    }
}
