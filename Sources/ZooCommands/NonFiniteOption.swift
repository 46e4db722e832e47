// `--allow-nonfinite`, shared by the commands that load weights or read inputs.
import ZooCommandLine
import ZooNN

enum NonFiniteOption {
    static let spec: OptionSpec = .flag(
        "allow-nonfinite", help: "Accept weights and inputs holding NaN or infinity (refused by default, naming the tensor)")

    /// Runs `body` with `NonFiniteValues.accepted` bound to the flag.
    static func run<T>(_ arguments: ParsedArguments, _ body: () throws -> T) rethrows -> T {
        try NonFiniteValues.$accepted.withValue(arguments.flag("allow-nonfinite")) { try body() }
    }
}
