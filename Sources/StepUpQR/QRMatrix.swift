/// The module grid while a symbol is built: which modules are dark, and which belong to function patterns (so
/// data placement skips them and masking leaves them alone). Row-major; x is the column, y the row.
struct QRMatrix: Sendable, Hashable {
    let size: Int
    private(set) var modules: [Bool]
    private(set) var isFunction: [Bool]

    /// A matrix of `version` with every function pattern drawn and the format and version areas reserved (light).
    init(version: QRVersion) {
        size = version.size
        modules = Array(repeating: false, count: size * size)
        isFunction = Array(repeating: false, count: size * size)
        drawFunctionPatterns(version: version)
    }

    subscript(x: Int, y: Int) -> Bool { modules[y * size + x] }

    /// Sets a module of a function pattern or information area.
    mutating func setFunction(x: Int, y: Int, dark: Bool) {
        modules[y * size + x] = dark
        isFunction[y * size + x] = true
    }

    /// Places `codewords` most significant bit first in two-module columns from the bottom right, upwards then
    /// downwards in turn, skipping function modules and the vertical timing column (7.7.3). Modules left over are
    /// the remainder bits: light.
    mutating func place(_ codewords: [UInt8]) {
        let bitCount = codewords.count * 8
        var index = 0
        var right = size - 1
        while right >= 1 {
            if right == 6 { right = 5 }
            let upwards = (right + 1) & 2 == 0
            for step in 0..<size {
                let y = upwards ? size - 1 - step : step
                for x in stride(from: right, through: right - 1, by: -1)
                where !isFunction[y * size + x] && index < bitCount {
                    modules[y * size + x] = (codewords[index >> 3] >> (7 - UInt8(index & 7))) & 1 == 1
                    index += 1
                }
            }
            right -= 2
        }
        precondition(index == bitCount, "codewords overflow the symbol")
    }

    /// This matrix with `mask` applied to every module outside the function patterns (7.8.2).
    func masked(_ mask: QRMask) -> QRMatrix {
        var result = self
        for y in 0..<size {
            for x in 0..<size where !isFunction[y * size + x] && mask.inverts(x: x, y: y) {
                result.modules[y * size + x].toggle()
            }
        }
        return result
    }
}
