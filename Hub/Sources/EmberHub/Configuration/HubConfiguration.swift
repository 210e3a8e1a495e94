import Foundation

/// Called as a download makes progress; see ``TerminalProgressBar`` for the command line's bar.
public typealias HubProgressHandler = @Sendable (HubProgressEvent) -> Void

/// Where the cache lives, which server to ask and how patiently.
///
/// ``fromEnvironment(_:)`` reads the same variables as Python's `huggingface_hub` and
/// `torch.hub`, so both ecosystems share one cache without extra setup.
public struct HubConfiguration: Sendable {
    /// Base URL of the model hub (`HF_ENDPOINT`), without a trailing slash.
    public var endpoint: String
    /// The hub cache (`HF_HUB_CACHE`, default `$HF_HOME/hub`) holding `models--ORG--NAME` folders.
    public var cacheDirectory: URL
    /// Ember's own cache for wheels from a package index (`EMBER_CACHE`, default `$HF_HOME/ember`).
    public var emberDirectory: URL
    /// torch.hub's folder (`$TORCH_HOME/hub`); plain-URL checkpoints go to its `checkpoints/`.
    public var torchHubDirectory: URL
    /// Bearer token sent to the hub endpoint (`HF_TOKEN`, else the token file).
    public var token: String?
    /// Answer from the cache only (`HF_HUB_OFFLINE=1`).
    public var offline: Bool
    /// The simple-API index wheels are looked up in (`PIP_INDEX_URL`, else pip.conf, else PyPI).
    public var packageIndexURL: String
    /// Proxy for `http` URLs (`HTTP_PROXY`), `http://[user:password@]host:port`.
    public var httpProxy: URL?
    /// Proxy for `https` URLs (`HTTPS_PROXY`), reached with `CONNECT`.
    public var httpsProxy: URL?
    /// Hosts reached directly (`NO_PROXY`): a name matches itself and its subdomains; `*` all.
    public var noProxy: [String] = []
    /// Seconds to wait for a TCP connection.
    public var connectTimeout: TimeInterval = 10
    /// Seconds without any byte from the server before the request is abandoned (then retried).
    public var readTimeout: TimeInterval = 30
    /// Tries per request, counting the first, for transient failures (connection, 429, 5xx).
    public var maxAttempts: Int = 5
    /// First backoff delay in seconds; doubles each retry up to ``retryMaxDelay``.
    public var retryBaseDelay: TimeInterval = 0.5
    /// Longest backoff delay in seconds, also the cap on a server's `Retry-After`.
    public var retryMaxDelay: TimeInterval = 8
    /// Redirects followed per request before ``HubError/tooManyRedirects(url:count:)``.
    public var maxRedirects: Int = 10
    /// Files a snapshot downloads at once.
    public var maxConcurrentDownloads: Int = 8
    /// Seconds to wait for another process that is downloading the same file.
    public var lockTimeout: TimeInterval = 3600
    /// Receives progress events; `nil` for silence.
    public var progress: HubProgressHandler?
    /// Sent as `User-Agent`.
    public var userAgent: String = "ember-hub/\(EmberHubVersion.string)"
    /// Test hook: called before each write with the bytes written so far; a non-nil errno makes
    /// the write fail as if the system call had (a full disk without filling one).
    var writeFault: (@Sendable (Int64) -> Int32?)?

    /// A configuration with explicit folders; everything else has the documented defaults.
    public init(
        endpoint: String = "https://huggingface.co", cacheDirectory: URL, emberDirectory: URL,
        torchHubDirectory: URL, token: String? = nil, offline: Bool = false,
        packageIndexURL: String = "https://pypi.org/simple/"
    ) {
        self.endpoint = endpoint.hasSuffix("/") ? String(endpoint.dropLast()) : endpoint
        self.cacheDirectory = cacheDirectory
        self.emberDirectory = emberDirectory
        self.torchHubDirectory = torchHubDirectory
        self.token = token
        self.offline = offline
        self.packageIndexURL = packageIndexURL
    }

    /// Reads `HF_HOME`, `HF_HUB_CACHE`, `HF_ENDPOINT`, `HF_TOKEN`, `HF_TOKEN_PATH`,
    /// `HF_HUB_OFFLINE`, `HF_HUB_DISABLE_PROGRESS_BARS`, `TORCH_HOME`, `EMBER_CACHE`,
    /// `PIP_INDEX_URL`, pip's configuration files, and `HTTP_PROXY`, `HTTPS_PROXY`, `NO_PROXY`.
    public static func fromEnvironment(
        _ env: [String: String] = ProcessInfo.processInfo.environment
    ) -> HubConfiguration {
        let home = env["HOME"].map { URL(fileURLWithPath: $0) }
            ?? FileManager.default.homeDirectoryForCurrentUser
        let xdgCache = env["XDG_CACHE_HOME"].map { URL(fileURLWithPath: $0) }
            ?? home.appendingPathComponent(".cache")
        let hfHome = env["HF_HOME"].map { URL(fileURLWithPath: expandingTilde($0, home)) }
            ?? xdgCache.appendingPathComponent("huggingface")
        let hubCache = (env["HF_HUB_CACHE"] ?? env["HUGGINGFACE_HUB_CACHE"])
            .map { URL(fileURLWithPath: expandingTilde($0, home)) }
            ?? hfHome.appendingPathComponent("hub")
        let ember = env["EMBER_CACHE"].map { URL(fileURLWithPath: expandingTilde($0, home)) }
            ?? hfHome.appendingPathComponent("ember")
        let torchHome = env["TORCH_HOME"].map { URL(fileURLWithPath: expandingTilde($0, home)) }
            ?? xdgCache.appendingPathComponent("torch")
        var config = HubConfiguration(
            endpoint: env["HF_ENDPOINT"] ?? "https://huggingface.co",
            cacheDirectory: hubCache, emberDirectory: ember,
            torchHubDirectory: torchHome.appendingPathComponent("hub"),
            token: readToken(env, hfHome: hfHome, home: home),
            offline: isTrue(env["HF_HUB_OFFLINE"]) || isTrue(env["TRANSFORMERS_OFFLINE"]),
            packageIndexURL: PipConfiguration.indexURL(env: env, home: home))
        func proxy(_ name: String) -> URL? {
            (env[name] ?? env[name.lowercased()]).flatMap { $0.isEmpty ? nil : URL(string: $0.contains("://") ? $0 : "http://" + $0) }
        }
        config.httpProxy = proxy("HTTP_PROXY")
        config.httpsProxy = proxy("HTTPS_PROXY")
        config.noProxy = (env["NO_PROXY"] ?? env["no_proxy"] ?? "").split(separator: ",")
            .map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        if !isTrue(env["HF_HUB_DISABLE_PROGRESS_BARS"]), TerminalProgressBar.standardErrorIsTerminal {
            config.progress = TerminalProgressBar.shared.handle
        }
        return config
    }

    private static func readToken(_ env: [String: String], hfHome: URL, home: URL) -> String? {
        if let token = env["HF_TOKEN"] ?? env["HUGGING_FACE_HUB_TOKEN"], !token.isEmpty { return token }
        let path = env["HF_TOKEN_PATH"].map { URL(fileURLWithPath: expandingTilde($0, home)) }
            ?? hfHome.appendingPathComponent("token")
        guard let text = try? String(contentsOf: path, encoding: .utf8) else { return nil }
        let token = text.trimmingCharacters(in: .whitespacesAndNewlines)
        return token.isEmpty ? nil : token
    }

    /// Whether `host` bypasses the proxies per ``noProxy``.
    func bypassesProxy(_ host: String) -> Bool {
        let host = host.lowercased()
        return noProxy.contains { entry in
            let name = entry.lowercased().split(separator: ":").first.map(String.init) ?? ""
            if name == "*" { return true }
            let bare = name.hasPrefix(".") ? String(name.dropFirst()) : name
            return !bare.isEmpty && (host == bare || host.hasSuffix("." + bare))
        }
    }

    static func isTrue(_ value: String?) -> Bool {
        guard let value = value?.lowercased() else { return false }
        return ["1", "on", "yes", "true"].contains(value)
    }

    static func expandingTilde(_ path: String, _ home: URL) -> String {
        if path == "~" { return home.path }
        if path.hasPrefix("~/") { return home.path + String(path.dropFirst()) }
        return path
    }
}
