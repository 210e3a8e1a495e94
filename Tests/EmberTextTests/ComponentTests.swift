import Ember
import Foundation
import XCTest
@testable import EmberText

/// Component-level behaviour and errors. Expected values come from Hugging Face tokenizers
/// 0.23.3 (noted per test); tolerance: exact.
final class ComponentTests: XCTestCase {
    // HF: normalizers.StripAccents().normalize_str("का\u20dd\u0301x") == "कx" (every mark goes).
    func testStripAccentsRemovesAllMarks() throws {
        XCTAssertEqual(try StripAccents().normalize("का\u{20DD}\u{301}x"), "कx")
    }

    // HF: normalizers.Lowercase().normalize_str("İ") == "i̇" (two scalars).
    func testLowercaseUsesFullMappings() throws {
        XCTAssertEqual(Array(try Lowercase().normalize("İ").unicodeScalars).map(\.value), [0x69, 0x307])
    }

    func testUnicodeFormsThroughICU() throws {
        XCTAssertEqual(Array(try UnicodeNormalizer(.nfd).normalize("é").unicodeScalars).map(\.value), [0x65, 0x301])
        XCTAssertEqual(Array(try UnicodeNormalizer(.nfc).normalize("e\u{301}").unicodeScalars).map(\.value), [0xE9])
        XCTAssertEqual(try UnicodeNormalizer(.nfkc).normalize("ﬁ①"), "fi1")
    }

    // HF: pre_tokenizers.ByteLevel(add_prefix_space=False).pre_tokenize_str("Hello  world's 42!")
    func testByteLevelSplitsLikeGPT2() throws {
        let words = try ByteLevel(addPrefixSpace: false).preTokenize("Hello  world's 42!")
        XCTAssertEqual(words.map { $0.0 }, ["Hello", "Ġ", "Ġworld", "'s", "Ġ42", "!"])
        XCTAssertEqual(words.map { $0.1.0 }, [0, 5, 6, 12, 14, 17])
    }

    // HF: pre_tokenizers.Whitespace().pre_tokenize_str("Hello! How are you? I'm fine")
    func testWhitespacePreTokenizer() throws {
        XCTAssertEqual(try Whitespace().preTokenize("Hello! How are you? I'm fine").map { $0.0 },
                       ["Hello", "!", "How", "are", "you", "?", "I", "'", "m", "fine"])
    }

    func testSplitBehaviours() throws {
        let text = "a-b--c"
        func run(_ b: SplitBehavior, invert: Bool = false) throws -> [String] {
            try Split(pattern: .string("-"), behavior: b, invert: invert).preTokenize(text).map { $0.0 }
        }
        XCTAssertEqual(try run(.removed), ["a", "b", "c"])
        XCTAssertEqual(try run(.isolated), ["a", "-", "b", "-", "-", "c"])
        XCTAssertEqual(try run(.mergedWithPrevious), ["a-", "b-", "-", "c"])
        XCTAssertEqual(try run(.mergedWithNext), ["a", "-b", "-", "-c"])
        XCTAssertEqual(try run(.contiguous), ["a", "-", "b", "--", "c"])
        XCTAssertEqual(try Split(pattern: .regex("\\p{L}+"), behavior: .isolated).preTokenize("ab12cd").map { $0.0 }, ["ab", "12", "cd"])
    }

    func testDigitsAndMetaspace() throws {
        XCTAssertEqual(try Digits(individualDigits: true).preTokenize("a12").map { $0.0 }, ["a", "1", "2"])
        XCTAssertEqual(try Digits(individualDigits: false).preTokenize("a12").map { $0.0 }, ["a", "12"])
        XCTAssertEqual(try Metaspace().preTokenize("hi there").map { $0.0 }, ["▁hi", "▁there"])
    }

    func testDecoders() throws {
        XCTAssertEqual(try ByteFallbackDecoder().decode(["<0xE3>", "<0x81>", "<0x82>", "a", "<0xFF>"]), "あa\u{FFFD}")
        XCTAssertEqual(try WordPieceDecoder().decode(["un", "##believ", "##able", "!"]), "unbelievable!")
        XCTAssertEqual(try CTCDecoder().decode(["<pad>", "h", "h", "e", "|", "l", "l", "<pad>", "l", "o"]), "he llo")
        XCTAssertEqual(try BPEDecoder().decode(["hel", "lo</w>", "world</w>"]), "hello world")
        XCTAssertEqual(try StripDecoder(content: " ", start: 1, stop: 0).decode([" a", "  b"]), "a b")  // per token
    }

    func testAddedTokensMatchBeforeTheModel() throws {
        var t = try Fixtures.tokenizer("bytelevel_bpe")
        try t.addTokens([AddedToken("<mask>", special: true, lstrip: true)])
        let e = try t.encode("Hello <mask> world")
        XCTAssertTrue(e.tokens.contains("<mask>"))
        let k = e.tokens.firstIndex(of: "<mask>")!
        XCTAssertEqual(e.offsets[k], .init(5, 12))  // lstrip swallowed the space
        XCTAssertEqual(try t.decode(e.ids), "Hello world")
        XCTAssertEqual(try t.decode(e.ids, skipSpecialTokens: false), "Hello<mask> world")
        XCTAssertEqual(t.tokenToId("<mask>"), t.vocabSize() - 1)
    }

    func testSaveRoundTrip() throws {
        for name in ["minilm", "smollm2", "unigram", "llama_bpe", "wordpiece", "bytelevel_bpe"] {
            let original = try Fixtures.tokenizer(name)
            let url = FileManager.default.temporaryDirectory.appendingPathComponent("ember-\(name)-\(UUID().uuidString).json")
            defer { try? FileManager.default.removeItem(at: url) }
            try original.save(to: url)
            let reloaded = try Tokenizer(file: url)
            for text in Fixtures.corpus.prefix(300) {
                let a = try original.encode(text), b = try reloaded.encode(text)
                XCTAssertEqual(a.ids, b.ids, name)
                XCTAssertEqual(a.offsets, b.offsets, name)
            }
        }
    }

    func testTiktokenSavesAsEquivalentBPE() throws {
        let t = try Tokenizer(tiktoken: Fixtures.url("formats/gpt2.tiktoken"))
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("ember-tiktoken-\(UUID().uuidString).json")
        defer { try? FileManager.default.removeItem(at: url) }
        try t.save(to: url)
        let reloaded = try Tokenizer(file: url)
        for text in Fixtures.corpus.prefix(400) {
            XCTAssertEqual(try t.encode(text).ids, try reloaded.encode(text).ids, text)
        }
    }

    func testMiniLMDefaultsPadAndTruncateTo128() throws {
        let t = try Tokenizer(file: Fixtures.url("tokenizers/minilm.json"))
        let e = try t.encode("hello world")
        XCTAssertEqual(e.count, 128)
        XCTAssertEqual(Array(e.ids.prefix(4)), [101, 7592, 2088, 102])
        XCTAssertEqual(e.attentionMask.reduce(0, +), 4)
        let long = try t.encode(String(repeating: "word ", count: 500))
        XCTAssertEqual(long.count, 128)
        XCTAssertEqual(long.ids.last, 102)
    }

    func testBatchTensors() throws {
        var t = try Fixtures.tokenizer("minilm")
        t.padding = PaddingOptions(padId: 0, padToken: "[PAD]")
        let batch = try t.encodeBatch(["hello world", "a longer sentence here", ""], threads: 2)
        let x = try batch.tensors()
        XCTAssertEqual(x.inputIds.shape, [3, batch[0].count])
        XCTAssertEqual(x.attentionMask.shape, [3, batch[0].count])
        t.padding = nil
        XCTAssertThrowsError(try t.encodeBatch(["a", "b c d"]).tensors())
    }

    func testVocabularyQueries() throws {
        let t = try Fixtures.tokenizer("minilm")
        XCTAssertEqual(t.vocabSize(), 30522)
        XCTAssertEqual(t.tokenToId("[CLS]"), 101)
        XCTAssertEqual(t.idToToken(7592), "hello")
        XCTAssertNil(t.idToToken(1_000_000))
        XCTAssertEqual(try t.decodeBatch([[101, 7592, 2088, 102]]), ["hello world"])
    }

    // MARK: Errors name the JSON path of the fault.

    func loadError(_ json: String) -> TokenizerError? {
        do {
            _ = try Tokenizer(json: Array(json.utf8))
            return nil
        } catch let e as TokenizerError {
            return e
        } catch {
            return nil
        }
    }

    func testErrorsNameTheJSONPath() {
        XCTAssertEqual(loadError(#"{"model": {"type": "BPE", "vocab": {"a": 0}, "merges": ["a b"]}}"#)?.path, "$.model.merges[0]")
        XCTAssertEqual(loadError(#"{"model": {"type": "Nope"}}"#), .unsupported(path: "$.model.type", type: "Nope"))
        XCTAssertEqual(loadError(#"{"normalizer": {"type": "Sequence", "normalizers": [{"type": "NFC"}, {"type": "Foo"}]}, "model": {"type": "WordLevel", "vocab": {}}}"#),
                       .unsupported(path: "$.normalizer.normalizers[1].type", type: "Foo"))
        XCTAssertEqual(loadError(#"{"model": {"type": "WordPiece", "vocab": {"a": "x"}}}"#)?.path, "$.model.vocab[\"a\"]")
        XCTAssertEqual(loadError(#"{"pre_tokenizer": {"type": "Split", "pattern": {"Regex": "("}, "behavior": "Isolated"}, "model": {"type": "WordLevel", "vocab": {}}}"#)?.path,
                       "$.pre_tokenizer.pattern")
        XCTAssertEqual(loadError(#"{"model": {"type": "Unigram", "vocab": [["a", 0.0]], "unk_id": 5}}"#)?.path, "$.model.unk_id")
        XCTAssertEqual(loadError(#"{}"#)?.path, "$.model")
        XCTAssertNotNil(loadError(#"{"model": "#))
        XCTAssertNotNil(loadError("\u{0}garbage"))
        XCTAssertEqual(loadError(#"{"model": {"type": "WordLevel", "vocab": {}}, "padding": {"strategy": "Sometimes"}}"#)?.path, "$.padding.strategy")
    }

    /// Every prefix cut of a real tokenizer.json and a set of byte corruptions must throw or
    /// load, never crash.
    func testCorruptTokenizerJSONNeverCrashes() throws {
        let bytes = [UInt8](try Data(contentsOf: Fixtures.url("tokenizers/wordpiece.json")))
        var rng = SystemRandomNumberGenerator()
        for cut in stride(from: 0, to: bytes.count, by: max(1, bytes.count / 60)) {
            XCTAssertThrowsError(try Tokenizer(json: Array(bytes[..<cut])))
        }
        for _ in 0..<60 {
            var b = bytes
            for _ in 0..<4 { b[Int.random(in: 0..<b.count, using: &rng)] = UInt8.random(in: 0...255, using: &rng) }
            if let t = try? Tokenizer(json: b) { _ = try? t.encode("Hello, world! 123") }
        }
        XCTAssertEqual(loadError(#"{"model": {"type": "WordLevel", "vocab": {"a": 1e15}}}"#)?.path, "$.model.vocab[\"a\"]")
    }

    func testByteLevelNormalizer() throws {
        XCTAssertEqual(try ByteLevelNormalizer().normalize("a é"), "aĠÃ©")
    }

    func testMalformedSentencePieceAndTiktokenFilesThrow() throws {
        let dir = FileManager.default.temporaryDirectory
        let bad = dir.appendingPathComponent("ember-bad-\(UUID().uuidString).model")
        try Data([0x0A, 0xFF, 0xFF, 0x01]).write(to: bad)
        defer { try? FileManager.default.removeItem(at: bad) }
        XCTAssertThrowsError(try Tokenizer(sentencePiece: bad))
        let ranks = dir.appendingPathComponent("ember-bad-\(UUID().uuidString).tiktoken")
        try Data("IQ== 0\nnot-a-line\n".utf8).write(to: ranks)
        defer { try? FileManager.default.removeItem(at: ranks) }
        XCTAssertThrowsError(try Tokenizer(tiktoken: ranks)) { error in
            XCTAssertEqual((error as? TokenizerError)?.path, "\(ranks.lastPathComponent):2")
        }
        XCTAssertThrowsError(try Tokenizer(file: dir.appendingPathComponent("does-not-exist.json")))
    }

    func testTruncationArgumentsAreChecked() throws {
        var t = try Fixtures.tokenizer("minilm")
        t.truncation = TruncationOptions(maxLength: 1)
        XCTAssertThrowsError(try t.encode("hello"))  // two special tokens do not fit
        t.truncation = TruncationOptions(maxLength: 6, stride: 4)
        XCTAssertThrowsError(try t.encode("one two three four five six seven"))
    }
}
