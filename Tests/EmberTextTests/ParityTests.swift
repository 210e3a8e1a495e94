import Foundation
import XCTest
@testable import EmberText

/// Parity with Hugging Face `tokenizers` 0.23.3 on the committed multilingual corpus.
/// Tolerance: exact. Every id, token, offset, type id, word id, mask and decoded string must
/// equal what the Python library produced (Tests/Fixtures/Text/expected/*.json).
final class ParityTests: XCTestCase {
    struct Mismatches {
        var count = 0
        var examples: [String] = []
        mutating func add(_ s: String) {
            count += 1
            if examples.count < 6 { examples.append(s) }
        }
    }

    func compare(_ e: Encoding, _ x: JNode, _ label: String, full: Bool, into m: inout Mismatches) {
        let ids = (try? x.require("ids"))?.ints ?? []
        if e.ids != ids { m.add("\(label) ids\n  ember \(e.ids)\n  hf    \(ids)\n  tokens \(e.tokens)"); return }
        let offsets = (try? x.require("offsets"))?.offsets ?? []
        if e.offsets != offsets { m.add("\(label) offsets\n  ember \(e.offsets)\n  hf    \(offsets)\n  tokens \(e.tokens)"); return }
        guard full else { return }
        if e.tokens != (try? x.require("tokens"))?.strings ?? [] { m.add("\(label) tokens \(e.tokens)") }
        if e.typeIds != (try? x.require("type_ids"))?.ints ?? [] { m.add("\(label) type ids \(e.typeIds)") }
        if e.wordIds.map({ $0 ?? -1 }) != (try? x.require("words"))?.ints ?? [] { m.add("\(label) words \(e.wordIds)") }
        if e.specialTokensMask != (try? x.require("special"))?.ints ?? [] { m.add("\(label) special mask \(e.specialTokensMask)") }
        if e.attentionMask != (try? x.require("attention"))?.ints ?? [] { m.add("\(label) attention \(e.attentionMask)") }
        if let over = x.field("overflowing") {
            let items = (try? over.array()) ?? []
            if items.count != e.overflowing.count {
                m.add("\(label) overflowing count \(e.overflowing.count) vs \(items.count)")
            } else {
                for (k, (o, ox)) in zip(e.overflowing, items).enumerated() { compare(o, ox, "\(label) overflow \(k)", full: true, into: &m) }
            }
        }
    }

    func runParity(_ name: String, file: StaticString = #filePath, line: UInt = #line) throws {
        let tokenizer = try Fixtures.tokenizer(name)
        let expected = try Fixtures.json("expected/\(name).json")
        var m = Mismatches()
        let singles = try expected.require("single").array()
        // Component tokenizers are recorded on the corpus's first lines only.
        let lines = Array(Fixtures.corpus.prefix(singles.count))
        // null in the fixture means the decode equals the input line.
        let decodes = try expected.require("decode").array().enumerated().map { k, n in (try? n.string()) ?? lines[k] }
        XCTAssertGreaterThanOrEqual(singles.count, 400)
        var encodings: [Encoding] = []
        for (i, text) in lines.enumerated() {
            let e = try tokenizer.encode(text)
            encodings.append(e)
            compare(e, singles[i], "line \(i) \(text.debugDescription)", full: false, into: &m)
            let d = try tokenizer.decode(e.ids)
            if d != decodes[i] { m.add("line \(i) decode\n  ember \(d.debugDescription)\n  hf    \(decodes[i].debugDescription)") }
        }
        for (key, x) in try expected.require("tokens").rawObject() {
            let i = Int(key)!
            compare(encodings[i], JNode(x), "line \(i) full", full: true, into: &m)
        }
        for x in try expected.require("pairs").array() {
            let a = try x.require("a").int(), b = try x.require("b").int()
            compare(try tokenizer.encode(lines[a], pair: lines[b]), x, "pair \(a)+\(b)", full: true, into: &m)
        }
        for x in try expected.require("nospecial").array() {
            let i = try x.require("line").int()
            compare(try tokenizer.encode(lines[i], addSpecialTokens: false), x, "nospecial \(i)", full: false, into: &m)
        }
        for (k, b) in try expected.require("batches").array().enumerated() {
            var t = tokenizer
            let config = try b.require("config")
            let padId = try b.require("pad_id").int()
            if let p = config.field("padding") {
                var options = PaddingOptions(padId: padId, padToken: "[PAD]")
                if let d = p.field("direction") { options.direction = try d.string() == "left" ? .left : .right }
                options.padToMultipleOf = try p.optionalInt("pad_to_multiple_of")
                if let n = try p.optionalInt("length") { options.strategy = .fixed(n) }
                t.padding = options
            }
            if let tr = config.field("truncation") {
                var options = TruncationOptions(maxLength: try tr.require("max_length").int(), stride: try tr.int("stride", default: 0))
                if let d = tr.field("direction") { options.direction = try d.string() == "left" ? .left : .right }
                if let s = tr.field("strategy") {
                    options.strategy = ["longest_first": .longestFirst, "only_first": .onlyFirst, "only_second": .onlySecond][try s.string()]!
                }
                t.truncation = options
            }
            let texts = try b.require("texts").strings
            let pairs = b.field("pairs")?.strings
            if b.field("error") != nil {
                XCTAssertThrowsError(try t.encodeBatch(texts, pairs: pairs), "batch \(k): Hugging Face refused this configuration")
                continue
            }
            let encs = try t.encodeBatch(texts, pairs: pairs, threads: 2)
            let xs = try b.require("encodings").array()
            XCTAssertEqual(encs.count, xs.count)
            for (j, (e, x)) in zip(encs, xs).enumerated() { compare(e, x, "batch \(k) item \(j)", full: true, into: &m) }
        }
        XCTAssertEqual(m.count, 0, "\(name): \(m.count) mismatches\n" + m.examples.joined(separator: "\n"), file: file, line: line)
    }

    func testMiniLMWordPiece() throws { try runParity("minilm") }
    func testSmolLM2ByteLevelBPE() throws { try runParity("smollm2") }
    func testTrainedByteLevelBPE() throws { try runParity("bytelevel_bpe") }
    func testTrainedWordPiece() throws { try runParity("wordpiece") }
    func testTrainedUnigramPrecompiledMetaspace() throws { try runParity("unigram") }
    func testTrainedLlamaStyleBPEByteFallback() throws { try runParity("llama_bpe") }
    func testRobertaProcessingAndLstripMask() throws { try runParity("roberta_like") }
    func testWordLevelWithScriptsPunctuationDigitsSplitBertProcessing() throws { try runParity("wordlevel_mix") }
    func testNFDStripAccentsWhitespaceInvertedSplit() throws { try runParity("wordpiece_nfd") }
}
