"""HF tokenizers rows for EmberText (names match Benchmarks/Swift/TextBenchmarks.swift).
The 10 MB corpus is Tests/Fixtures/Text/corpus.txt repeated, encoded line by line."""
import os

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
FIX = os.path.join(ROOT, "Tests", "Fixtures", "Text")


def _corpus():
    with open(os.path.join(FIX, "corpus.txt"), encoding="utf-8") as f:
        lines = f.read().split("\n")[:-1]
    out, size = [], 0
    while size < 10_000_000:
        for line in lines:
            if size >= 10_000_000:
                break
            out.append(line)
            size += len(line.encode("utf-8")) + 1
    return out


def workloads(threads):
    # Rayon reads its thread count when the library starts its pool.
    os.environ["RAYON_NUM_THREADS"] = str(threads)
    os.environ["TOKENIZERS_PARALLELISM"] = "true"
    from tokenizers import Tokenizer

    def load(name):
        t = Tokenizer.from_file(os.path.join(FIX, "tokenizers", name + ".json"))
        t.no_padding()
        t.no_truncation()
        return t

    def encode_all(name):
        def prepare():
            t, lines = load(name), _corpus()
            return lambda: [t.encode(line) for line in lines]
        return prepare

    def batch():
        t, lines = load("smollm2"), _corpus()
        return lambda: t.encode_batch(lines)

    def load_json():
        path = os.path.join(FIX, "tokenizers", "minilm.json")
        return lambda: Tokenizer.from_file(path)

    return [
        ("tokenizer encode gpt2 10MB 1 thread", encode_all("smollm2")),
        ("tokenizer encode bert 10MB 1 thread", encode_all("minilm")),
        ("tokenizer encodeBatch 10MB 2 threads", batch),
        ("tokenizer load 30k json", load_json),
    ]
