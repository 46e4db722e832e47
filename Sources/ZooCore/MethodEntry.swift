// The one type through which a method target joins the zoo: its registrations, and any
// subcommands it contributes to `zoo`.
import ZooCommandLine

/// A method target's single registration point, named by `entry` in zoo.json.
///
///     enum CLIP4ClipEntry: MethodEntry {
///         static func register(in registry: inout Registry) throws {
///             try registry.add(head: "clip4clip-meanp") { config in MeanPooling(config: config) }
///         }
///     }
public protocol MethodEntry: SendableMetatype {
    /// Registers a factory for each zoo.json name the target implements.
    static func register(in registry: inout Registry) throws
    /// Subcommands the method adds to `zoo` (an inspector of its own, e.g. Bi-modal PMA's
    /// `zoo attention`), built over the full registry. Default: none.
    static func commands(registry: Registry) -> [any Command]
}

extension MethodEntry {
    public static func commands(registry: Registry) -> [any Command] { [] }
}
