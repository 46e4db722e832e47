// Whether weights and inputs holding NaN or infinity are accepted. They are refused by default,
// with the tensor's name, because one NaN weight or frame turns every score it reaches into NaN;
// `--allow-nonfinite` (train, eval, embed, similarity, compare) accepts them for the rare run
// that studies such files. A task-local value rather than a parameter threaded through every
// loader: it holds for the command's call tree and nothing else, so two commands run side by
// side (as the tests run them) keep their own. Weights and features are read on the calling
// thread; code that hands such reads to other threads must carry the value over itself.

/// The policy for NaN and infinity in loaded weights and inputs.
public enum NonFiniteValues {
    /// `false` (the default): loads and readers refuse non-finite values, naming the tensor.
    /// `true`: they take them as they are (`--allow-nonfinite`; bind it with `$accepted.withValue`).
    @TaskLocal public static var accepted = false
}
