// The core's local calls are plain blocking calls (SQLite with durable commits, hashing,
// watermarking a photo): fine on a background thread, a stutter on the main one. View-models
// run them through `offMain`, which hops to a global queue and back. The `CaseTrail` handle is
// thread-safe; the core serialises its writes itself.

import Foundation

/// Runs blocking work on a background queue and returns its result (or rethrows its error).
func offMain<T>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        DispatchQueue.global(qos: .userInitiated).async {
            continuation.resume(with: Result(catching: work))
        }
    }
}
