import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1

/// Which redirects a request follows by itself.
enum RedirectPolicy {
    /// Every redirect (file bodies: the hub sends LFS files to a CDN).
    case all
    /// Only redirects to the same host; a redirect elsewhere is returned to the caller, as the
    /// hub's metadata request needs the headers of the redirect itself.
    case sameHost
}

/// A status the retry loop may try again, with the server's `Retry-After` if it sent one.
struct TransientHTTPError: Error {
    let error: HubError
    let retryAfter: TimeInterval?
}

/// The one place EmberHub talks HTTP: redirects (bounded, loop-detected), the token only for
/// the hub's own host, retries with exponential backoff, timeouts, and the mapping of every
/// failure to a ``HubError``.
final class HTTPTransport: @unchecked Sendable {
    let configuration: HubConfiguration
    private let direct: HTTPClient
    private let httpProxied: HTTPClient?
    private let httpsProxied: HTTPClient?
    private let endpointHost: String?

    init(configuration: HubConfiguration) {
        self.configuration = configuration
        func client(proxy: URL?) -> HTTPClient {
            var settings = HTTPClient.Configuration()
            // Redirects are followed here, not by the client, to keep the hub's headers of the
            // first hop and to drop the token when the redirect leaves the hub.
            settings.redirectConfiguration = .disallow
            settings.timeout = .init(
                connect: .milliseconds(Int64(configuration.connectTimeout * 1000)),
                read: .milliseconds(Int64(configuration.readTimeout * 1000)))
            settings.decompression = .disabled
            if let proxy, let host = proxy.host {
                let authorization = proxy.user.map { HTTPClient.Authorization.basic(username: $0, password: proxy.password ?? "") }
                settings.proxy = .server(host: host, port: proxy.port ?? 80, authorization: authorization)
            }
            return HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: settings)
        }
        direct = client(proxy: nil)
        httpProxied = configuration.httpProxy.map { client(proxy: $0) }
        httpsProxied = configuration.httpsProxy.map { client(proxy: $0) }
        endpointHost = URL(string: configuration.endpoint).map(Self.hostKey)
    }

    func shutdown() async {
        for client in [direct, httpProxied, httpsProxied].compactMap({ $0 }) { try? await client.shutdown() }
    }

    /// The proxied client for the URL's scheme unless `NO_PROXY` names its host.
    private func client(for url: URL) -> HTTPClient {
        if let host = url.host, configuration.bypassesProxy(host) { return direct }
        return (url.scheme == "https" ? httpsProxied : httpProxied) ?? direct
    }

    private static func hostKey(_ url: URL) -> String {
        "\(url.scheme ?? "")://\(url.host ?? ""):\(url.port ?? (url.scheme == "https" ? 443 : 80))"
    }

    /// Sends one request and follows redirects per `policy`; the body of the returned response
    /// is not yet read. Throws for 4xx/5xx (``TransientHTTPError`` for 429 and 5xx).
    /// `failedHeaders` sees the headers of a 4xx/5xx answer before its error is thrown (the
    /// hub's 404 for a missing file still names the commit).
    func send(
        _ method: HTTPMethod, _ url: String, headers extra: HTTPHeaders = [:],
        redirects policy: RedirectPolicy = .all, failedHeaders: ((HTTPHeaders) -> Void)? = nil
    ) async throws -> (response: HTTPClientResponse, url: String) {
        var current = url
        var visited: Set<String> = [url]
        for _ in 0...configuration.maxRedirects {
            guard let parsed = URL(string: current), parsed.scheme == "http" || parsed.scheme == "https" else {
                throw HubError.invalidArgument("'\(current)' is not an http(s) URL")
            }
            var request = HTTPClientRequest(url: current)
            request.method = method
            request.headers.add(name: "User-Agent", value: configuration.userAgent)
            request.headers.add(name: "Accept-Encoding", value: "identity")
            if let token = configuration.token, Self.hostKey(parsed) == endpointHost {
                request.headers.add(name: "Authorization", value: "Bearer \(token)")
            }
            request.headers.add(contentsOf: extra)
            let response: HTTPClientResponse
            do {
                response = try await client(for: parsed).execute(request, deadline: .distantFuture)
            } catch {
                throw Self.map(error, url: current)
            }
            let code = Int(response.status.code)
            if [301, 302, 303, 307, 308].contains(code), let location = response.headers.first(name: "Location") {
                guard let next = URL(string: location, relativeTo: parsed)?.absoluteURL else {
                    throw HubError.invalidResponse(url: current, reason: "bad Location header '\(location)'")
                }
                if policy == .sameHost && Self.hostKey(next) != Self.hostKey(parsed) {
                    return (response, current)
                }
                await drain(response)
                let nextString = next.absoluteString
                guard visited.insert(nextString).inserted else {
                    throw HubError.tooManyRedirects(url: url, count: visited.count)
                }
                current = nextString
                continue
            }
            if code >= 400 {
                let error = Self.statusError(code, url: current, headers: response.headers)
                failedHeaders?(response.headers)
                await drain(response)
                if code == 429 || code >= 500 {
                    let retryAfter = response.headers.first(name: "Retry-After").flatMap(TimeInterval.init)
                    throw TransientHTTPError(error: error, retryAfter: retryAfter)
                }
                throw error
            }
            return (response, current)
        }
        throw HubError.tooManyRedirects(url: url, count: configuration.maxRedirects)
    }

    /// Reads a small body whole (listings, index pages), with retries.
    func fetchData(_ url: String, headers: HTTPHeaders = [:], limit: Int = 64 << 20) async throws -> (Data, HTTPHeaders, String) {
        try await withRetries(url) { _ in
            let (response, finalURL) = try await self.send(.GET, url, headers: headers)
            do {
                let buffer = try await response.body.collect(upTo: limit)
                return (Data(buffer.readableBytesView), response.headers, finalURL)
            } catch {
                throw Self.map(error, url: finalURL)
            }
        }
    }

    /// Runs `operation` until it succeeds, fails for good, or `maxAttempts` is spent; waits
    /// with exponential backoff (or the server's `Retry-After`, capped) between tries.
    func withRetries<T>(_ url: String, _ operation: (Int) async throws -> T) async throws -> T {
        var attempt = 0
        while true {
            attempt += 1
            do {
                return try await operation(attempt)
            } catch let failure as TransientHTTPError {
                guard attempt < configuration.maxAttempts else { throw failure.error }
                try await backoff(attempt, hint: failure.retryAfter)
            } catch let error as HubError where error.isTransient {
                guard attempt < configuration.maxAttempts else { throw error }
                try await backoff(attempt, hint: nil)
            }
        }
    }

    private func backoff(_ attempt: Int, hint: TimeInterval?) async throws {
        let exponential = configuration.retryBaseDelay * pow(2, Double(attempt - 1))
        let delay = min(hint ?? exponential, configuration.retryMaxDelay)
        try await Task.sleep(nanoseconds: UInt64(max(0, delay) * 1e9))
    }

    /// Reads and drops a body we do not need, so the connection can be reused.
    func drain(_ response: HTTPClientResponse) async {
        _ = try? await response.body.collect(upTo: 1 << 20)
    }

    static func statusError(_ code: Int, url: String, headers: HTTPHeaders) -> HubError {
        let errorCode = headers.first(name: "X-Error-Code") ?? ""
        let message = headers.first(name: "X-Error-Message") ?? ""
        switch code {
        case 401 where errorCode == "RepoNotFound":
            return .notFound(.repository, name: message, url: url)
        case 401:
            return .unauthorized(url: url)
        case 403:
            return .forbidden(url: url, gated: errorCode == "GatedRepo", message: message)
        case 404:
            switch errorCode {
            case "RepoNotFound": return .notFound(.repository, name: message, url: url)
            case "RevisionNotFound": return .notFound(.revision, name: message, url: url)
            case "EntryNotFound": return .notFound(.file, name: message, url: url)
            default: return .notFound(.url, name: URL(string: url)?.lastPathComponent ?? url, url: url)
            }
        default:
            return .httpStatus(code, url: url, message: message)
        }
    }

    /// Maps client and NIO errors to ``HubError``; cancellation passes through untouched.
    static func map(_ error: Error, url: String) -> Error {
        if error is HubError || error is TransientHTTPError || error is CancellationError { return error }
        if let client = error as? HTTPClientError {
            switch client {
            case .readTimeout, .deadlineExceeded: return HubError.timeout(url: url)
            case .cancelled: return CancellationError()
            default: return HubError.network(url: url, reason: "\(client)")
            }
        }
        return HubError.network(url: url, reason: "\(error)")
    }
}

extension HTTPHeaders {
    /// A header as an integer, e.g. `Content-Length`.
    func int64(_ name: String) -> Int64? { first(name: name).flatMap { Int64($0.trimmingCharacters(in: .whitespaces)) } }
}
