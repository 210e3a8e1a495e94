// Programmer errors (a shape mismatch, an index out of range) stop the process with a message
// that names the op and the shapes, as PyTorch's errors do. Swift's own `precondition` drops
// its message in optimised builds, which is where users run models; these module-level
// versions shadow it inside Ember and keep the message in every build configuration.

/// Stops with `message` when `condition` is false, in debug and release builds alike.
@inline(__always)
func precondition(
    _ condition: @autoclosure () -> Bool, _ message: @autoclosure () -> String = String(),
    file: StaticString = #file, line: UInt = #line
) {
    if _slowPath(!condition()) { fatalError(message(), file: file, line: line) }
}

/// Stops with `message`, in debug and release builds alike.
@inline(__always)
func preconditionFailure(_ message: @autoclosure () -> String = String(), file: StaticString = #file, line: UInt = #line) -> Never {
    fatalError(message(), file: file, line: line)
}
