/// A method target's single registration point, named by `entry` in zoo.json.
public protocol MethodEntry { }
