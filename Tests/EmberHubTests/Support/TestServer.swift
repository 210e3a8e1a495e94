import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix

/// A request as the test server saw it.
struct SeenRequest: Sendable {
    var method: String
    var path: String
    var headers: [String: String]
}

/// What the test server answers; `cutAfter`, `stall` and `chunkDelay` inject faults.
struct Reply {
    var status: HTTPResponseStatus = .ok
    var headers: [(String, String)] = []
    var body: [UInt8] = []
    /// Close the connection after this many body bytes (the announced length stays full).
    var cutAfter: Int?
    /// Send the head and `stallAfter` bytes, then nothing until the server stops.
    var stallAfter: Int?
    /// Pause between 64 KiB pieces of the body (to make downloads overlap).
    var chunkDelay: TimeAmount?
    /// HEAD: the head only, with the body's length.
    var headOnly = false

    static func status(_ status: HTTPResponseStatus, _ headers: [(String, String)] = []) -> Reply {
        Reply(status: status, headers: headers, body: Array("\(status.code)".utf8))
    }

    /// The bytes of a file, honouring `Range: bytes=N-` with 206.
    static func file(_ data: [UInt8], request: SeenRequest, headers: [(String, String)] = []) -> Reply {
        var reply = Reply(headers: headers, body: data)
        if let range = request.headers["range"], range.hasPrefix("bytes="), range.hasSuffix("-"),
            let start = Int(range.dropFirst(6).dropLast())
        {
            guard start < data.count else {
                return Reply(status: .rangeNotSatisfiable, headers: [("Content-Range", "bytes */\(data.count)")])
            }
            reply.status = .partialContent
            reply.body = Array(data[start...])
            reply.headers.append(("Content-Range", "bytes \(start)-\(data.count - 1)/\(data.count)"))
        }
        reply.headOnly = request.method == "HEAD"
        return reply
    }
}

/// An HTTP/1.1 server on 127.0.0.1 (ephemeral port) inside the test process. Every request
/// goes to `handler`; every request is logged. `stop()` closes all connections, stalled ones
/// included.
final class TestServer: @unchecked Sendable {
    private let group = MultiThreadedEventLoopGroup(numberOfThreads: 2)
    private var channel: Channel?
    private let lock = NSLock()
    private var _log: [SeenRequest] = []
    private var _handler: (SeenRequest) -> Reply

    init(handler: @escaping (SeenRequest) -> Reply = { _ in .status(.notFound) }) {
        _handler = handler
    }

    var handler: (SeenRequest) -> Reply {
        get { lock.withLock { _handler } }
        set { lock.withLock { _handler = newValue } }
    }

    var log: [SeenRequest] { lock.withLock { _log } }

    var port: Int { channel?.localAddress?.port ?? 0 }
    var baseURL: String { "http://127.0.0.1:\(port)" }

    func start() throws {
        let bootstrap = ServerBootstrap(group: group)
            .serverChannelOption(ChannelOptions.backlog, value: 64)
            .serverChannelOption(ChannelOptions.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                channel.pipeline.addHandler(ConnectTunnel(server: self)).flatMap {
                    channel.pipeline.configureHTTPServerPipeline()
                }.flatMap {
                    channel.pipeline.addHandler(Connection(server: self))
                }
            }
        channel = try bootstrap.bind(host: "127.0.0.1", port: 0).wait()
    }

    private var stopped = false

    /// Closes the listener and every connection; safe to call twice.
    func stop() {
        let first: Bool = lock.withLock {
            defer { stopped = true }
            return !stopped
        }
        guard first else { return }
        try? channel?.close().wait()
        try? group.syncShutdownGracefully()
    }

    fileprivate func answer(_ request: SeenRequest) -> Reply {
        let handler: (SeenRequest) -> Reply = lock.withLock {
            _log.append(request)
            return _handler
        }
        return handler(request)
    }

    fileprivate func logConnect(_ target: String) {
        lock.withLock { _log.append(SeenRequest(method: "CONNECT", path: target, headers: [:])) }
    }

    /// Lets the server act as an HTTP proxy for itself: a leading `CONNECT host:port` is
    /// answered with 200 and the rest of the connection is served as if it came directly.
    private final class ConnectTunnel: ChannelInboundHandler, RemovableChannelHandler {
        typealias InboundIn = ByteBuffer
        typealias InboundOut = ByteBuffer
        typealias OutboundOut = ByteBuffer
        let server: TestServer
        var pending: ByteBuffer?

        init(server: TestServer) { self.server = server }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            var incoming = unwrapInboundIn(data)
            if pending == nil { pending = incoming } else { pending!.writeBuffer(&incoming) }
            let text = String(buffer: pending!)
            guard text.hasPrefix("CONNECT ") else {
                if text.count >= 8 || !"CONNECT ".hasPrefix(text) { pass(context) }
                return
            }
            guard let end = text.range(of: "\r\n\r\n") else { return }
            let target = text.dropFirst(8).prefix { $0 != " " }
            server.logConnect(String(target))
            pending!.moveReaderIndex(forwardBy: text.utf8.distance(from: text.startIndex, to: end.upperBound))
            var reply = context.channel.allocator.buffer(capacity: 64)
            reply.writeString("HTTP/1.1 200 Connection established\r\n\r\n")
            context.writeAndFlush(wrapOutboundOut(reply), promise: nil)
            pass(context)
        }

        private func pass(_ context: ChannelHandlerContext) {
            if let rest = pending, rest.readableBytes > 0 { context.fireChannelRead(wrapInboundOut(rest)) }
            pending = nil
            context.pipeline.removeHandler(context: context, promise: nil)
        }
    }

    private final class Connection: ChannelInboundHandler {
        typealias InboundIn = HTTPServerRequestPart
        typealias OutboundOut = HTTPServerResponsePart
        let server: TestServer
        var current: SeenRequest?

        init(server: TestServer) { self.server = server }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            switch unwrapInboundIn(data) {
            case .head(let head):
                var headers: [String: String] = [:]
                for (name, value) in head.headers { headers[name.lowercased()] = value }
                current = SeenRequest(method: head.method.rawValue, path: head.uri, headers: headers)
            case .body:
                break
            case .end:
                guard let request = current else { return }
                current = nil
                respond(server.answer(request), context: context)
            }
        }

        private func respond(_ reply: Reply, context: ChannelHandlerContext) {
            var head = HTTPResponseHead(version: .http1_1, status: reply.status)
            for (name, value) in reply.headers { head.headers.add(name: name, value: value) }
            if !head.headers.contains(name: "Content-Length") {
                head.headers.add(name: "Content-Length", value: "\(reply.body.count)")
            }
            context.write(wrapOutboundOut(.head(head)), promise: nil)
            if reply.headOnly {
                context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
                return
            }
            let channel = context.channel
            let limit = reply.cutAfter ?? reply.stallAfter ?? reply.body.count
            let body = Array(reply.body.prefix(limit))
            let finish: () -> Void = {
                if reply.cutAfter != nil {
                    channel.close(promise: nil)
                } else if reply.stallAfter == nil {
                    channel.writeAndFlush(NIOAny(HTTPServerResponsePart.end(nil)), promise: nil)
                }
            }
            guard let delay = reply.chunkDelay else {
                var buffer = channel.allocator.buffer(capacity: body.count)
                buffer.writeBytes(body)
                channel.writeAndFlush(NIOAny(HTTPServerResponsePart.body(.byteBuffer(buffer)))).whenComplete { _ in finish() }
                return
            }
            func send(from offset: Int) {
                guard offset < body.count else { return finish() }
                let end = min(offset + 65536, body.count)
                var buffer = channel.allocator.buffer(capacity: end - offset)
                buffer.writeBytes(body[offset..<end])
                channel.writeAndFlush(NIOAny(HTTPServerResponsePart.body(.byteBuffer(buffer)))).whenComplete { _ in
                    channel.eventLoop.scheduleTask(in: delay) { send(from: end) }
                }
            }
            send(from: 0)
        }
    }
}
