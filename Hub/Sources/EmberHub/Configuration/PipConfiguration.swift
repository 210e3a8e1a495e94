import Foundation

/// Finds the package index pip would use, so that a site's mirror serves wheels to Ember too.
enum PipConfiguration {
    static let defaultIndex = "https://pypi.org/simple/"

    /// `PIP_INDEX_URL` wins; otherwise the last `index-url` in pip's configuration files, read
    /// in pip's order (site-wide, then per user, then `PIP_CONFIG_FILE`), with `[download]`
    /// and `[install]` overriding `[global]` as they do for those pip commands.
    static func indexURL(env: [String: String], home: URL) -> String {
        if let url = env["PIP_INDEX_URL"], !url.isEmpty { return url }
        var files = ["/etc/xdg/pip/pip.conf", "/etc/pip.conf"]
        let xdgConfig = env["XDG_CONFIG_HOME"] ?? home.appendingPathComponent(".config").path
        files += [home.appendingPathComponent(".pip/pip.conf").path, xdgConfig + "/pip/pip.conf"]
        if let venv = env["VIRTUAL_ENV"] { files.append(venv + "/pip.conf") }
        if let explicit = env["PIP_CONFIG_FILE"], explicit != "os.devnull" { files.append(explicit) }
        var found: String?
        for file in files {
            guard let text = try? String(contentsOfFile: file, encoding: .utf8) else { continue }
            if let url = indexURL(inConfig: text) { found = url }
        }
        return found ?? defaultIndex
    }

    /// The `index-url` of one INI file, `[download]`/`[install]` over `[global]`.
    static func indexURL(inConfig text: String) -> String? {
        var section = ""
        var bySection: [String: String] = [:]
        for raw in text.split(whereSeparator: \.isNewline) {
            let line = raw.trimmingCharacters(in: .whitespaces)
            if line.isEmpty || line.hasPrefix("#") || line.hasPrefix(";") { continue }
            if line.hasPrefix("[") && line.hasSuffix("]") {
                section = String(line.dropFirst().dropLast()).lowercased()
                continue
            }
            guard let eq = line.firstIndex(where: { $0 == "=" || $0 == ":" }) else { continue }
            let key = line[..<eq].trimmingCharacters(in: .whitespaces).lowercased()
                .replacingOccurrences(of: "_", with: "-")
            let value = line[line.index(after: eq)...].trimmingCharacters(in: .whitespaces)
            if key == "index-url" { bySection[section] = value }
        }
        return bySection["download"] ?? bySection["install"] ?? bySection["global"]
    }
}
