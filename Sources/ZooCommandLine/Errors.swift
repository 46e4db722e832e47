// Exit statuses and the two kinds of failure a command can report. The split follows the
// usual Unix convention (and argparse's): 2 means "you called me wrong", 1 means "I tried and
// it failed", so scripts can tell a typo in a flag from a missing model.

/// The process exit statuses the zoo uses.
public enum ExitStatus {
    /// The command did what was asked.
    public static let success: Int32 = 0
    /// The command was called correctly but failed (unknown model name, unreadable file...).
    public static let failure: Int32 = 1
    /// The command line itself is wrong (unknown command or flag, missing argument...).
    public static let usage: Int32 = 2
}

/// The command line is wrong. The runner prints the message, points at `zoo help COMMAND` and
/// exits with status 2.
public struct UsageError: Error, Sendable, Equatable, CustomStringConvertible {
    public var message: String

    public init(_ message: String) { self.message = message }

    public var description: String { message }
}

/// A command failed for a reason other than its arguments. The runner prints the message and
/// exits with status 1. Commands may also throw any other error, which is treated the same way.
public struct RuntimeError: Error, Sendable, Equatable, CustomStringConvertible {
    public var message: String

    public init(_ message: String) { self.message = message }

    public var description: String { message }
}
