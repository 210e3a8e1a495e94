import Ember
import EmberHub
import Foundation
import EmberTestSupport
import XCTest

@testable import EmberAudio

/// `download: true` for the audio datasets through EmberHub's downloader against a loopback
/// HTTP server. The archives are built here: real WAV/FLAC files written by `save`, packed
/// into a ustar archive and wrapped in gzip (stored deflate blocks), so the test exercises
/// the same gunzip + tar path as the published `.tar.gz` files.
final class AudioDatasetDownloadTests: XCTestCase {
    var root: URL!
    var scratch: URL!
    var server: LoopbackServer?

    override func setUpWithError() throws {
        let base = FileManager.default.temporaryDirectory.appendingPathComponent("ember-audio-download-\(UUID().uuidString)")
        root = base.appendingPathComponent("root")
        scratch = base.appendingPathComponent("scratch")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        server?.stop()
        if let root { try? FileManager.default.removeItem(at: root.deletingLastPathComponent()) }
    }

    /// No proxies from the environment, one attempt, short timeouts.
    var hub: HubConfiguration {
        var config = HubConfiguration(
            cacheDirectory: scratch.appendingPathComponent("hub"), emberDirectory: scratch.appendingPathComponent("ember"),
            torchHubDirectory: scratch.appendingPathComponent("torch"))
        config.maxAttempts = 1
        config.readTimeout = 5
        config.connectTimeout = 2
        return config
    }

    // MARK: archive building

    /// The bytes of an audio file written by `save` (a tone whose peak is `tag` × 0.01).
    func audio(_ name: String, tag: Int, rate: Int) throws -> Data {
        let path = scratch.appendingPathComponent("\(UUID().uuidString)-\(name)").path
        let values = (0..<160).map { Float(tag) * 0.01 * Float(sin(Double($0) * 0.3)) }
        try save(path: path, waveform: Tensor(values, shape: [1, 160]), sampleRate: rate, bitsPerSample: 16)
        return try Data(contentsOf: URL(fileURLWithPath: path))
    }

    /// A ustar archive of `members` (path, contents), in order.
    func tar(_ members: [(String, Data)]) -> Data {
        var out = Data()
        for (name, body) in members {
            var header = [UInt8](repeating: 0, count: 512)
            func put(_ text: String, at offset: Int) { for (i, byte) in text.utf8.enumerated() { header[offset + i] = byte } }
            put(name, at: 0)
            put("0000644", at: 100)
            put("0000000", at: 108)
            put("0000000", at: 116)
            put(String(format: "%011o", body.count), at: 124)
            put("00000000000", at: 136)
            header[156] = UInt8(ascii: "0")
            put("ustar", at: 257)
            put("00", at: 263)
            put("        ", at: 148)
            put(String(format: "%06o", header.reduce(0) { $0 + Int($1) }) + "\0 ", at: 148)
            out.append(contentsOf: header)
            out.append(body)
            out.append(Data(count: (512 - body.count % 512) % 512))
        }
        out.append(Data(count: 1024))
        return out
    }

    /// `data` as a gzip file of stored (uncompressed) deflate blocks, with its CRC-32.
    func gzip(_ data: Data) -> Data {
        var out = Data([0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff])
        let bytes = [UInt8](data)
        var start = 0
        repeat {
            let end = min(start + 65_535, bytes.count)
            let length = UInt16(end - start)
            out.append(end == bytes.count ? 1 : 0)
            out.append(contentsOf: [UInt8(length & 0xff), UInt8(length >> 8), UInt8(~length & 0xff), UInt8(~length >> 8)])
            out.append(contentsOf: bytes[start..<end])
            start = end
        } while start < bytes.count
        var crc: UInt32 = 0xffff_ffff
        for byte in bytes {
            crc ^= UInt32(byte)
            for _ in 0..<8 { crc = crc & 1 != 0 ? (crc >> 1) ^ 0xedb8_8320 : crc >> 1 }
        }
        crc = ~crc
        for value in [crc, UInt32(truncatingIfNeeded: bytes.count)] {
            out.append(contentsOf: (0..<4).map { UInt8(truncatingIfNeeded: value >> (8 * $0)) })
        }
        return out
    }

    func sha256(_ data: Data) throws -> String {
        let file = scratch.appendingPathComponent(UUID().uuidString)
        try data.write(to: file)
        return try AudioDatasetDownload.digest(of: file)
    }

    func serve(_ files: [String: Data]) throws -> LoopbackServer {
        let server = try LoopbackServer(files: files)
        self.server = server
        return server
    }

    func tag(_ waveform: Tensor) -> Int { Int((waveform.abs().max().item(Float.self) / 0.01).rounded()) }

    func yesNoArchive() throws -> Data {
        gzip(tar([
            ("waves_yesno/1_1_0_0_1_0_1_1.wav", try audio("b.wav", tag: 2, rate: 8_000)),
            ("waves_yesno/0_1_0_0_1_0_1_0.wav", try audio("a.wav", tag: 1, rate: 8_000)),
            ("waves_yesno/README", Data("not audio".utf8)),
        ]))
    }

    // MARK: tests

    func testYesNoDownloadsChecksAndExtracts() async throws {
        // FIPS 180-2's test vector: the digest itself is right.
        XCTAssertEqual(try sha256(Data("abc".utf8)), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        let archive = try yesNoArchive()
        let server = try serve(["/resources/1/waves_yesno.tar.gz": archive])
        let url = server.baseURL + "/resources/1/waves_yesno.tar.gz"
        let data = try await YesNo(root: root.path, download: true, url: url, sha256: try sha256(archive), hub: hub)
        XCTAssertEqual(data.fileIDs, ["0_1_0_0_1_0_1_0", "1_1_0_0_1_0_1_1"])
        XCTAssertEqual(data[0].labels, [0, 1, 0, 0, 1, 0, 1, 0])
        XCTAssertEqual(data[0].sampleRate, 8_000)
        XCTAssertEqual(tag(data[0].waveform), 1)
        XCTAssertEqual(tag(data[1].waveform), 2)
        // The archive stays next to the folder (torchaudio's layout); no staging folder is left.
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: root.path).sorted(), ["waves_yesno", "waves_yesno.tar.gz"])
        XCTAssertEqual(try Data(contentsOf: root.appendingPathComponent("waves_yesno.tar.gz")), archive)
        XCTAssertEqual(server.log, ["/resources/1/waves_yesno.tar.gz"])
        // A second call finds the folder and asks the server nothing; the plain init reads it too.
        _ = try await YesNo(root: root.path, download: true, url: url, sha256: try sha256(archive), hub: hub)
        XCTAssertEqual(server.log.count, 1)
        XCTAssertEqual(try YesNo(root: root.path).count, 2)
    }

    func testPublishedChecksumsAreTorchaudios() {
        XCTAssertEqual(YesNo.sha256, "c3f49e0cca421f96b75b41640749167b52118f232498667ca7a5f9416aef8e73")
        XCTAssertEqual(
            SpeechCommands.checksums[SpeechCommands.baseURL + "speech_commands_v0.02.tar.gz"],
            "af14739ee7dc311471de98f5f9d2c9191b18aedfe957f4a6ff791c709868ff58")
        XCTAssertEqual(Set(LibriSpeech.checksums.keys), Set(LibriSpeech.subsets.map { LibriSpeech.baseURL + $0 + ".tar.gz" }))
        XCTAssertEqual(
            LibriSpeech.checksums["http://www.openslr.org/resources/12/train-clean-100.tar.gz"],
            "d4ddd1d5a6ab303066f14971d768ee43278a5f2a0aa43dc716b0e64ecbbbf6e2")
    }

    func testChecksumMismatchThrowsAndKeepsNothing() async throws {
        let server = try serve(["/waves_yesno.tar.gz": try yesNoArchive()])
        let wrong = String(repeating: "0", count: 64)
        do {
            _ = try await YesNo(root: root.path, download: true, url: server.baseURL + "/waves_yesno.tar.gz", sha256: wrong, hub: hub)
            XCTFail("expected a checksum mismatch")
        } catch let error as AudioDatasetError {
            guard case .checksumMismatch(let file, let expected, let actual) = error else { return XCTFail("\(error)") }
            XCTAssertEqual(file, "waves_yesno.tar.gz")
            XCTAssertEqual(expected, wrong)
            XCTAssertEqual(actual, try sha256(try yesNoArchive()))
        }
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: root.path), [])
    }

    func testMissingURLAndCorruptArchiveThrowTypedErrors() async throws {
        let garbage = Data("this is not gzip".utf8)
        let server = try serve(["/bad.tar.gz": garbage])
        do {
            _ = try await YesNo(root: root.path, download: true, url: server.baseURL + "/missing.tar.gz", sha256: nil, hub: hub)
            XCTFail("expected a download failure")
        } catch let error as AudioDatasetError {
            guard case .downloadFailed(let url, let reason) = error else { return XCTFail("\(error)") }
            XCTAssertTrue(url.hasSuffix("/missing.tar.gz"))
            XCTAssertTrue(reason.contains("not found"), reason)
        }
        do {
            _ = try await YesNo(root: root.path, download: true, url: server.baseURL + "/bad.tar.gz", sha256: try sha256(garbage), hub: hub)
            XCTFail("expected a corrupt archive")
        } catch let error as AudioDatasetError {
            guard case .corruptArchive(let file, let reason) = error else { return XCTFail("\(error)") }
            XCTAssertTrue(file.hasSuffix("bad.tar.gz"))
            XCTAssertTrue(reason.hasPrefix("gzip:"), reason)
        }
        // A member climbing out of the target folder is refused by the tar reader.
        let hostile = gzip(tar([("../escape.txt", Data("x".utf8))]))
        try hostile.write(to: root.appendingPathComponent("hostile.tar.gz"))
        XCTAssertThrowsError(try AudioDatasetDownload.extractTarGz(root.appendingPathComponent("hostile.tar.gz"), into: root)) { error in
            guard case AudioDatasetError.corruptArchive(_, let reason) = error else { return XCTFail("\(error)") }
            XCTAssertTrue(reason.contains("leaves the target folder"), reason)
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: root.deletingLastPathComponent().appendingPathComponent("escape.txt").path))
    }

    func testSpeechCommandsExtractsIntoTheReleaseFolder() async throws {
        // The published archive's members are relative to the release folder ("./yes/...").
        let archive = gzip(tar([
            ("./yes/aa11_nohash_0.wav", try audio("y.wav", tag: 1, rate: 16_000)),
            ("./no/bb22_nohash_1.wav", try audio("n.wav", tag: 2, rate: 16_000)),
            ("./validation_list.txt", Data("no/bb22_nohash_1.wav\n".utf8)),
            ("./testing_list.txt", Data()),
        ]))
        let server = try serve(["/data/speech_commands_v0.02.tar.gz": archive])
        let url = server.baseURL + "/data/speech_commands_v0.02.tar.gz"
        let all = try await SpeechCommands(root: root.path, release: url, download: true, sha256: try sha256(archive), hub: hub)
        XCTAssertEqual(all.path, root.appendingPathComponent("SpeechCommands/speech_commands_v0.02").path)
        XCTAssertEqual(try (0..<all.count).map { try all.metadata(at: $0).label }, ["no", "yes"])
        XCTAssertEqual(tag(try all.sample(at: 1).waveform), 1)
        XCTAssertTrue(FileManager.default.fileExists(atPath: root.appendingPathComponent("speech_commands_v0.02.tar.gz").path))
        let validation = try SpeechCommands(root: root.path, release: url, subset: .validation)
        XCTAssertEqual(try validation.metadata(at: 0).speakerID, "bb22")
    }

    func testLibriSpeechDownloadsTheSubsetArchive() async throws {
        let chapter = "LibriSpeech/dev-clean/84/121123/"
        let archive = gzip(tar([
            (chapter + "84-121123-0000.flac", try audio("0.flac", tag: 3, rate: 16_000)),
            (chapter + "84-121123.trans.txt", Data("84-121123-0000 GO DO YOU HEAR\n".utf8)),
        ]))
        let server = try serve(["/12/dev-clean.tar.gz": archive])
        let data = try await LibriSpeech(
            root: root.path, subset: "dev-clean", download: true, baseURL: server.baseURL + "/12/", sha256: try sha256(archive), hub: hub)
        XCTAssertEqual(data.fileIDs, ["84-121123-0000"])
        let sample = try data.sample(at: 0)
        XCTAssertEqual(sample.transcript, "GO DO YOU HEAR")
        XCTAssertEqual(tag(sample.waveform), 3)
        XCTAssertEqual(server.log, ["/12/dev-clean.tar.gz"])
        do {
            _ = try await LibriSpeech(root: root.path, subset: "dev-dirty", download: true, baseURL: server.baseURL + "/12/", hub: hub)
            XCTFail("expected an invalid subset")
        } catch AudioDatasetError.invalidArgument {}
    }
}
