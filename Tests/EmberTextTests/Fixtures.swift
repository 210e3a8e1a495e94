import Foundation
import XCTest
@testable import EmberText

/// Paths and readers for the committed fixtures (made by Scripts/fixtures/text_*.py).
enum Fixtures {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/Text")

    static func url(_ relative: String) -> URL { root.appendingPathComponent(relative) }

    static let corpus: [String] = {
        // Split the bytes, not Foundation strings: Foundation's string APIs may compare and cut
        // text under canonical equivalence, and the corpus deliberately holds decomposed forms.
        let bytes = [UInt8](try! Data(contentsOf: url("corpus.txt")))
        var lines = bytes.split(separator: 0x0A, omittingEmptySubsequences: false).map { String(decoding: $0, as: UTF8.self) }
        lines.removeLast()
        return lines
    }()

    static func json(_ relative: String) throws -> JNode {
        let data = try Data(contentsOf: url(relative))
        return JNode(try JSONParser.parse([UInt8](data), source: relative))
    }

    static func tokenizer(_ name: String) throws -> Tokenizer {
        var t = try Tokenizer(file: url("tokenizers/\(name).json"))
        t.padding = nil
        t.truncation = nil
        return t
    }
}

extension JNode {
    var ints: [Int] { (try? array().map { try $0.int() }) ?? [] }
    var strings: [String] { (try? array().map { try $0.string() }) ?? [] }
    var offsets: [Encoding.Offsets] {
        let v = ints
        return stride(from: 0, to: v.count - 1, by: 2).map { Encoding.Offsets(v[$0], v[$0 + 1]) }
    }
}

func flatOffsets(_ e: Encoding) -> [Encoding.Offsets] { e.offsets }
