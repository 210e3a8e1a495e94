import Foundation
import XCTest

#if canImport(Glibc)
import Glibc

/// Runs `body` in a forked child process and returns what it wrote to stderr and whether it
/// stopped on a trap. A precondition failure ends the process, so XCTest cannot observe it in
/// place; a fork can. The child runs only small, single-threaded work (the parent's worker
/// threads do not exist after `fork`), and leaves with `_exit` so no XCTest state is flushed twice.
func captureProgrammerError(_ body: () -> Void) -> (stderr: String, trapped: Bool) {
    var fds: [Int32] = [0, 0]
    guard pipe(&fds) == 0 else { return ("pipe failed", false) }
    let pid = fork()
    if pid == 0 {
        close(fds[0])
        dup2(fds[1], 2)
        // The runtime's backtracer would symbolicate the crash for seconds; the message is
        // printed before the trap, so the default action (die on the signal) is all we need.
        signal(SIGILL, SIG_DFL)
        signal(SIGTRAP, SIG_DFL)
        body()
        _exit(0)
    }
    close(fds[1])
    var output = [UInt8]()
    var buffer = [UInt8](repeating: 0, count: 4096)
    while true {
        let n = read(fds[0], &buffer, buffer.count)
        if n <= 0 { break }
        output += buffer[0..<n]
    }
    close(fds[0])
    var status: Int32 = 0
    waitpid(pid, &status, 0)
    // WIFSIGNALED: the low 7 bits hold the terminating signal (0 for a normal exit, 0x7f for stopped).
    let signal = status & 0x7f
    return (String(decoding: output, as: UTF8.self), signal != 0 && signal != 0x7f)
}

/// Asserts that `body` stops the process with a message containing every string of `fragments`.
func assertStops(
    containing fragments: [String], file: StaticString = #filePath, line: UInt = #line, _ body: () -> Void
) {
    let (stderr, trapped) = captureProgrammerError(body)
    XCTAssertTrue(trapped, "expected the op to stop the process; it returned normally", file: file, line: line)
    for fragment in fragments {
        XCTAssertTrue(stderr.contains(fragment), "message lacks \"\(fragment)\"; stderr was:\n\(stderr.prefix(600))", file: file, line: line)
    }
}
#endif
