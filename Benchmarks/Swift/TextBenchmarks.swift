import EmberText
import Foundation

/// EmberText's rows (same names as Benchmarks/reference/text_reference.py). The 10 MB corpus is
/// the committed Tests/Fixtures/Text/corpus.txt repeated, line by line, on both sides.
func textWorkloads() -> [Workload] {
    let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Tests/Fixtures/Text")

    func corpus10MB() throws -> [String] {
        let bytes = [UInt8](try Data(contentsOf: fixtures.appendingPathComponent("corpus.txt")))
        let lines = bytes.split(separator: 0x0A, omittingEmptySubsequences: false).dropLast()
            .map { String(decoding: $0, as: UTF8.self) }
        var out: [String] = []
        var size = 0
        while size < 10_000_000 {
            for l in lines where size < 10_000_000 {
                out.append(l)
                size += l.utf8.count + 1
            }
        }
        return out
    }

    func load(_ name: String) throws -> Tokenizer {
        var t = try Tokenizer(file: fixtures.appendingPathComponent("tokenizers/\(name).json"))
        t.padding = nil
        t.truncation = nil
        return t
    }

    func encodeAll(_ name: String) -> () throws -> () -> Void {
        return {
            let t = try load(name)
            let lines = try corpus10MB()
            return {
                var n = 0
                for l in lines { n &+= (try? t.encode(l).ids.count) ?? 0 }
                textBlackHole(n)
            }
        }
    }

    return [
        Workload(name: "tokenizer encode gpt2 10MB 1 thread", prepare: encodeAll("smollm2")),
        Workload(name: "tokenizer encode bert 10MB 1 thread", prepare: encodeAll("minilm")),
        Workload(name: "tokenizer encodeBatch 10MB 2 threads") {
            let t = try load("smollm2")
            let lines = try corpus10MB()
            return { textBlackHole((try? t.encodeBatch(lines, threads: 2).count) ?? 0) }
        },
        Workload(name: "tokenizer load 30k json") {
            let url = fixtures.appendingPathComponent("tokenizers/minilm.json")
            return { textBlackHole((try? Tokenizer(file: url).vocabSize()) ?? 0) }
        },
    ]
}

@inline(never) func textBlackHole(_ x: Int) {
    if x == -1 { print("") }
}
