/// The penalty of a masked symbol (ISO/IEC 18004 7.8.3.1, table 11): the mask with the lowest total is chosen,
/// because long runs, blocks, finder look-alikes and an unbalanced dark share make a symbol harder to read.
extension QRMatrix {
    /// The four scores N1…N4, in the standard's order.
    struct Penalty: Sendable, Hashable {
        var runs = 0, blocks = 0, finderLikes = 0, balance = 0
        var total: Int { runs + blocks + finderLikes + balance }
    }

    var penalty: Penalty {
        var penalty = Penalty()
        var line = [Bool](repeating: false, count: size)
        for index in 0..<size {
            for i in 0..<size { line[i] = self[i, index] }
            Self.score(line, into: &penalty)
            for i in 0..<size { line[i] = self[index, i] }
            Self.score(line, into: &penalty)
        }
        // Rule 2: 3 points for each 2 × 2 block of one colour; overlapping blocks each count, so an m × n block
        // scores 3 (m − 1)(n − 1) as table 11 says.
        for y in 0..<size - 1 {
            for x in 0..<size - 1 {
                let colour = self[x, y]
                if self[x + 1, y] == colour, self[x, y + 1] == colour, self[x + 1, y + 1] == colour {
                    penalty.blocks += 3
                }
            }
        }
        // Rule 4: 10 points for each full 5 % step the dark share lies away from 50 %. The symbol has an odd number
        // of modules, so the share never falls on a step's edge.
        let dark = modules.reduce(0) { $0 + ($1 ? 1 : 0) }
        let total = size * size
        penalty.balance = 10 * (abs(dark * 20 - total * 10) / total)
        return penalty
    }

    /// Rules 1 and 3 along one row or column.
    static func score(_ line: [Bool], into penalty: inout Penalty) {
        // Rule 1: a run of 5 + i modules of one colour scores 3 + i.
        var run = 1
        for i in 1...line.count {
            if i < line.count, line[i] == line[i - 1] {
                run += 1
            } else {
                if run >= 5 { penalty.runs += run - 2 }
                run = 1
            }
        }
        // Rule 3: dark–light–dark–dark–dark–light–dark (1:1:3:1:1) with four light modules before or after it
        // scores 40. Outside the symbol is the light quiet zone.
        let finder = [true, false, true, true, true, false, true]
        func lightSpan(_ range: Range<Int>) -> Bool { range.allSatisfy { !line.indices.contains($0) || !line[$0] } }
        for start in 0...(line.count - 7) where line[start..<start + 7].elementsEqual(finder) {
            if lightSpan(start - 4..<start) || lightSpan(start + 7..<start + 11) { penalty.finderLikes += 40 }
        }
    }
}
