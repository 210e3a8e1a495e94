import Crypto
import Foundation
import NIOCore
import NIOHTTP1
@testable import EmberHub

/// A fault the fake hub injects into the next requests for one path.
enum Fault {
    /// Close the connection after `bytes` body bytes, `times` times.
    case cut(after: Int, times: Int)
    /// Serve bytes whose SHA-256 is not the announced ETag.
    case corrupt
    /// Answer with this status `times` times (then normally).
    case status(HTTPResponseStatus, times: Int, headers: [(String, String)] = [])
    /// Send `bytes` bytes, then nothing.
    case stall(after: Int)
    /// Send 64 KiB pieces with a pause between them.
    case slow(TimeAmount)
    /// Answer with this reply instead (malformed data, missing headers).
    case replace(Reply)
}

/// The hub's HTTP surface over fixture files: `HEAD/GET /{repo}/resolve/{rev}/{path}` (LFS
/// files redirect to `/cdn/<sha256>` on the `localhost` name, as the real hub redirects to
/// its CDN), `/api/{type}s/{repo}/revision/{rev}`, and a simple package index under
/// `/simple/`. Faults are set per path (`"model.bin"`, `"cdn"`, `"simple"`, `"wheel"`).
final class FakeHub: @unchecked Sendable {
    let server = TestServer()
    let repo: String
    let commit: String
    private(set) var files: [String: [UInt8]] = [:]
    private(set) var lfs: Set<String> = []
    var wheels: [String: [UInt8]] = [:]
    var indexHashes: [String: String] = [:]
    var requiredToken: String?
    /// Answer the package index in PEP 503 HTML even when JSON is asked for.
    var htmlIndexOnly = false
    private let lock = NSLock()
    private var faults: [String: Fault] = [:]

    init(repo: String = "ember-test/tiny", commit: String = "3f2a9c1b7d4e5f60718293a4b5c6d7e8f9012345") {
        self.repo = repo
        self.commit = commit
    }

    /// Serves the committed fixture repository (tiny-repo/ with tiny-repo.json's LFS list).
    static func fixture() throws -> FakeHub {
        let manifest = try JSONSerialization.jsonObject(
            with: Data(contentsOf: Fixtures.hub.appendingPathComponent("tiny-repo.json"))) as! [String: Any]
        let hub = FakeHub(repo: manifest["repo"] as! String, commit: manifest["commit"] as! String)
        let root = Fixtures.hub.appendingPathComponent("tiny-repo")
        for path in listFiles(under: root) {
            hub.add(path, Array(try Data(contentsOf: root.appendingPathComponent(path))),
                    lfs: (manifest["lfs"] as! [String]).contains(path))
        }
        return hub
    }

    func add(_ path: String, _ data: [UInt8], lfs isLFS: Bool) {
        files[path] = data
        if isLFS { lfs.insert(path) } else { lfs.remove(path) }
    }

    func inject(_ fault: Fault, on key: String) { lock.withLock { faults[key] = fault } }

    var base: String { server.baseURL }

    func start() throws {
        server.handler = { [unowned self] request in self.answer(request) }
        try server.start()
    }

    func stop() { server.stop() }

    static func etag(_ data: [UInt8], lfs: Bool) -> String {
        if lfs { return hex(SHA256.hash(data: data)) }
        var hasher = Insecure.SHA1()
        hasher.update(data: Data("blob \(data.count)\0".utf8))
        hasher.update(data: data)
        return hex(hasher.finalize())
    }

    func requests(containing text: String) -> [SeenRequest] { server.log.filter { $0.path.contains(text) } }

    /// Takes the fault for `key` if any, counting down repeated ones.
    private func takeFault(_ key: String) -> Fault? {
        lock.withLock {
            guard let fault = faults[key] else { return nil }
            switch fault {
            case let .cut(after, times):
                faults[key] = times > 1 ? .cut(after: after, times: times - 1) : nil
            case let .status(status, times, headers):
                faults[key] = times > 1 ? .status(status, times: times - 1, headers: headers) : nil
            case .corrupt, .stall, .slow, .replace:
                break
            }
            return fault
        }
    }

    private func applying(_ fault: Fault?, to reply: Reply) -> Reply {
        var reply = reply
        switch fault {
        case let .cut(after, _)?: reply.cutAfter = after
        case let .stall(after)?: reply.stallAfter = after
        case let .slow(delay)?: reply.chunkDelay = delay
        case .corrupt?: if !reply.body.isEmpty { reply.body[reply.body.count / 2] ^= 0xFF }
        case let .status(status, _, headers)?: return .status(status, headers)
        case let .replace(replacement)?: return replacement
        case nil: break
        }
        return reply
    }

    private func answer(_ request: SeenRequest) -> Reply {
        let path = request.path.removingPercentEncoding ?? request.path
        if let token = requiredToken, !path.hasPrefix("/cdn/"), request.headers["authorization"] != "Bearer \(token)" {
            return .status(.unauthorized)
        }
        if path.hasPrefix("/loop/") {  // a redirect loop: /loop/a -> /loop/b -> /loop/a
            return Reply(status: .found, headers: [("Location", path.hasSuffix("a") ? "/loop/b" : "/loop/a")])
        }
        if path.hasPrefix("/cdn/") {
            let sha = String(path.dropFirst(5))
            guard let name = lfs.first(where: { Self.etag(files[$0]!, lfs: true) == sha }) else { return .status(.notFound) }
            if let fault = takeFault("cdn") ?? takeFault(name) {
                if case .status = fault { return applying(fault, to: Reply()) }
                return applying(fault, to: .file(files[name]!, request: request))
            }
            return .file(files[name]!, request: request)
        }
        if path.hasPrefix("/api/models/\(repo)/revision/") {
            if let fault = takeFault("api") { return applying(fault, to: Reply()) }
            let siblings = files.keys.sorted().map { ["rfilename": $0] }
            let body = try! JSONSerialization.data(withJSONObject: ["id": repo, "sha": commit, "siblings": siblings])
            return Reply(headers: [("Content-Type", "application/json")], body: Array(body))
        }
        if path.hasPrefix("/simple/") { return answerIndex(path, request) }
        if path.hasPrefix("/wheels/") {
            let name = String(path.dropFirst(8))
            guard let data = wheels[name] else { return .status(.notFound) }
            return applying(takeFault("wheel"), to: .file(data, request: request))
        }
        let prefix = "/\(repo)/resolve/"
        guard path.hasPrefix(prefix) else {
            return .status(.unauthorized, [("X-Error-Code", "RepoNotFound"), ("X-Error-Message", "Repository not found")])
        }
        let rest = path.dropFirst(prefix.count)
        guard let slash = rest.firstIndex(of: "/") else { return .status(.notFound) }
        let revision = String(rest[..<slash])
        let name = String(rest[rest.index(after: slash)...])
        guard revision == "main" || revision == commit else {
            return .status(.notFound, [("X-Error-Code", "RevisionNotFound"), ("X-Error-Message", "Invalid rev id: \(revision)")])
        }
        guard let data = files[name] else {
            return .status(.notFound, [
                ("X-Error-Code", "EntryNotFound"), ("X-Error-Message", "\(name) does not exist"), ("X-Repo-Commit", commit),
            ])
        }
        if let fault = takeFault("resolve:" + name) {
            var reply = applying(fault, to: Reply())
            reply.headOnly = request.method == "HEAD"
            return reply
        }
        let etag = Self.etag(data, lfs: lfs.contains(name))
        if lfs.contains(name) {
            var reply = Reply(status: .found, headers: [
                ("Location", "http://localhost:\(server.port)/cdn/\(etag)"), ("X-Linked-Etag", "\"\(etag)\""),
                ("X-Linked-Size", "\(data.count)"), ("X-Repo-Commit", commit), ("ETag", "\"redirect\""),
            ])
            reply.headOnly = request.method == "HEAD"
            return reply
        }
        let reply = Reply.file(data, request: request, headers: [("ETag", "\"\(etag)\""), ("X-Repo-Commit", commit)])
        return request.method == "GET" ? applying(takeFault(name), to: reply) : reply
    }

    /// PEP 691 JSON when asked for it, PEP 503 HTML otherwise.
    private func answerIndex(_ path: String, _ request: SeenRequest) -> Reply {
        if let fault = takeFault("simple") { return applying(fault, to: Reply()) }
        let project = path.dropFirst("/simple/".count).trimmingCharacters(in: CharacterSet(charactersIn: "/"))
        let names = wheels.keys.filter { PackageIndex.normalize(String($0.split(separator: "-")[0])) == project }.sorted()
        guard !names.isEmpty else { return .status(.notFound) }
        func sha(_ name: String) -> String { indexHashes[name] ?? hex(SHA256.hash(data: wheels[name]!)) }
        if request.headers["accept"]?.contains("application/vnd.pypi.simple.v1+json") == true && !htmlIndexOnly {
            let files = names.map { ["filename": $0, "url": "../../wheels/\($0)", "hashes": ["sha256": sha($0)]] as [String: Any] }
            let body = try! JSONSerialization.data(withJSONObject: ["meta": ["api-version": "1.0"], "name": project, "files": files])
            return Reply(headers: [("Content-Type", "application/vnd.pypi.simple.v1+json")], body: Array(body))
        }
        let links = names.map { "<a href=\"/wheels/\($0)#sha256=\(sha($0))\">\($0)</a><br/>" }.joined(separator: "\n")
        return Reply(headers: [("Content-Type", "text/html")], body: Array("<html><body>\n\(links)\n</body></html>".utf8))
    }
}

enum Fixtures {
    static let hub = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Fixtures/Hub")
}

/// A fresh temporary folder, removed by the test's teardown.
func makeTemporaryDirectory() throws -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("ember-hub-tests-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
}
