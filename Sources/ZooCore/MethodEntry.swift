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
}
