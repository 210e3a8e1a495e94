import Foundation

/// Whether ops record autograd history on the current thread (`torch.is_grad_enabled`).
///
/// The mode is per thread, as in PyTorch: a no-grad scope on one thread leaves other
/// threads (DataLoader workers, other tasks) recording as before.
public enum GradMode {
    private static let key: pthread_key_t = {
        var key = pthread_key_t()
        pthread_key_create(&key, nil)
        return key
    }()

    // The slot holds nil (the default, enabled) or a non-nil marker meaning disabled, so a
    // thread that never touched the mode needs no allocation.
    private static let disabledMarker = UnsafeMutableRawPointer(bitPattern: 1)!

    /// True when ops record history for backward.
    public static var isEnabled: Bool {
        get { pthread_getspecific(key) == nil }
        set { pthread_setspecific(key, newValue ? nil : disabledMarker) }
    }

    /// Runs `body` with recording set to `enabled`, restoring the previous mode afterwards.
    @discardableResult
    public static func with<R>(enabled: Bool, _ body: () throws -> R) rethrows -> R {
        let previous = isEnabled
        isEnabled = enabled
        defer { isEnabled = previous }
        return try body()
    }
}

/// `with torch.no_grad():` — ops inside `body` record no history.
@discardableResult
public func withNoGrad<R>(_ body: () throws -> R) rethrows -> R {
    try GradMode.with(enabled: false, body)
}

/// `with torch.enable_grad():` — ops inside `body` record history even within a no-grad scope.
@discardableResult
public func withEnableGrad<R>(_ body: () throws -> R) rethrows -> R {
    try GradMode.with(enabled: true, body)
}
