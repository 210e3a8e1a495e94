import Foundation
import XCTest
@testable import EmberText

/// The other file forms, each against its reference library on every corpus line.
/// Tolerance: exact ids and exact decoded text, except where a count of differing lines is
/// stated (SentencePiece's own normalizer matches its charsmap byte-wise where Hugging Face's
/// port, which Ember follows, goes grapheme by grapheme).
final class FileFormatTests: XCTestCase {
    static let expected = try! Fixtures.json("expected/formats.json")

    func check(_ tokenizer: Tokenizer, key: String, checkDecode: Bool = true, allowedMismatches: Int = 0,
               file: StaticString = #filePath, line: UInt = #line) throws {
        let x = try FileFormatTests.expected.require(key)
        let ids = try x.require("ids").array()
        let decodes = try x.require("decode").array()
        let lines = Fixtures.corpus
        var bad: [String] = []
        for (i, text) in lines.enumerated() {
            let e = try tokenizer.encode(text, addSpecialTokens: false)
            if e.ids != ids[i].ints {
                bad.append("line \(i) \(text.debugDescription)\n  ember \(e.ids)\n  ref   \(ids[i].ints)")
                continue
            }
            if checkDecode {
                let want = (try? decodes[i].string()) ?? text
                let got = try tokenizer.decode(e.ids, skipSpecialTokens: false)
                if got != want { bad.append("line \(i) decode\n  ember \(got.debugDescription)\n  ref   \(want.debugDescription)") }
            }
        }
        XCTAssertLessThanOrEqual(bad.count, allowedMismatches, "\(key): \(bad.count) mismatching lines\n" + bad.prefix(5).joined(separator: "\n"),
                                 file: file, line: line)
    }

    func testTiktokenGPT2Ranks() throws {
        let t = try Tokenizer(tiktoken: Fixtures.url("formats/gpt2.tiktoken"))
        XCTAssertEqual(t.vocabSize(), 50257)
        try check(t, key: "tiktoken")
    }

    func testSentencePieceBotchanBPE() throws {
        try check(try Tokenizer(sentencePiece: Fixtures.url("formats/botchan_en_bpe_1000.model")), key: "botchan_en_bpe_1000.model")
    }

    func testSentencePieceBotchanUnigram() throws {
        try check(try Tokenizer(sentencePiece: Fixtures.url("formats/botchan_en_unigram_1000.model")), key: "botchan_en_unigram_1000.model")
    }

    func testSentencePieceKyotoUnigram() throws {
        try check(try Tokenizer(sentencePiece: Fixtures.url("formats/kyoto_ja_unigram_8000.model")), key: "kyoto_ja_unigram_8000.model")
    }

    /// vocab.txt must give exactly what MiniLM's tokenizer.json gives (same vocabulary).
    func testBertVocabTxtMatchesTokenizerJSON() throws {
        let fromTxt = try Tokenizer(bertVocab: Fixtures.url("tokenizers/minilm_vocab.txt"))
        let fromJSON = try Fixtures.tokenizer("minilm")
        for (i, text) in Fixtures.corpus.enumerated() {
            let a = try fromTxt.encode(text), b = try fromJSON.encode(text)
            XCTAssertEqual(a.ids, b.ids, "line \(i)")
            XCTAssertEqual(a.offsets, b.offsets, "line \(i)")
        }
    }

    /// vocab.json + merges.txt must give exactly what the same model's tokenizer.json gives.
    func testVocabJSONAndMergesMatchTokenizerJSON() throws {
        let fromFiles = try Tokenizer(vocabJSON: Fixtures.url("formats/bytelevel_vocab.json"), merges: Fixtures.url("formats/bytelevel_merges.txt"))
        let fromJSON = try Fixtures.tokenizer("bytelevel_bpe")
        for (i, text) in Fixtures.corpus.enumerated() {
            let a = try fromFiles.encode(text), b = try fromJSON.encode(text)
            XCTAssertEqual(a.ids, b.ids, "line \(i)")
            XCTAssertEqual(a.offsets, b.offsets, "line \(i)")
        }
    }
}
