// The core logs through `tracing`; this sink forwards those lines to the unified log so they
// show in Console.app next to the app's own. The core writes ids, codes and counts into its
// log lines, never user content or key material, which is why they are logged as public.

import Foundation
import os

/// Forwards the core's log lines to `os.Logger`.
public final class OSLogSink: LogSink, @unchecked Sendable {
    private let logger: Logger

    public init(subsystem: String = "org.casetrail", category: String = "core") {
        logger = Logger(subsystem: subsystem, category: category)
    }

    public func log(level: LogLevel, target: String, message: String) {
        switch level {
        case .error:
            logger.error("\(target, privacy: .public): \(message, privacy: .public)")
        case .warn:
            logger.warning("\(target, privacy: .public): \(message, privacy: .public)")
        case .info:
            logger.info("\(target, privacy: .public): \(message, privacy: .public)")
        case .debug:
            logger.debug("\(target, privacy: .public): \(message, privacy: .public)")
        }
    }
}
