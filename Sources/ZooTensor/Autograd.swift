// Reverse-mode automatic differentiation: each recorded result keeps a node with its inputs
// and a hand-written backward function; `backward()` walks them in reverse topological order.

/// One recorded operation: its inputs and how to turn the output's gradient into theirs.
final class GradNode {
    let operation: String
    let inputs: [Tensor]
    /// Given ∂L/∂output, returns ∂L/∂input for each input (nil where no gradient is needed).
    let backward: (Tensor) -> [Tensor?]

    init(operation: String, inputs: [Tensor], backward: @escaping (Tensor) -> [Tensor?]) {
        self.operation = operation
        self.inputs = inputs
        self.backward = backward
    }
}

/// Whether operations are recorded for differentiation. A task-local value, so concurrent
/// tasks (parallel tests, a teacher evaluated beside a student) never see each other's mode.
public enum GradientMode {
    @TaskLocal public static var isEnabled = true
}

/// Runs `body` without recording operations (inference, teacher forwards, optimizer updates).
@discardableResult
public func noGrad<R>(_ body: () throws -> R) rethrows -> R {
    try GradientMode.$isEnabled.withValue(false) { try body() }
}

extension Tensor {
    /// Records `self` as the result of `operation` on `inputs` when any input needs a gradient.
    /// Returns `self` so ops can end with `return result.recorded(...)`.
    @discardableResult
    func recorded(_ operation: String, _ inputs: [Tensor], backward: @escaping (Tensor) -> [Tensor?]) -> Tensor {
        guard GradientMode.isEnabled, inputs.contains(where: { $0.requiresGrad }) else { return self }
        requiresGrad = true
        gradNode = GradNode(operation: operation, inputs: inputs, backward: backward)
        return self
    }

    /// Back-propagates from this tensor. A scalar (one element) needs no seed; otherwise pass
    /// ∂L/∂self. Leaves that require gradients accumulate into `grad` (call `zeroGrad` between
    /// steps). The recorded graph is released afterwards unless `retainGraph` is true.
    public func backward(_ seed: Tensor? = nil, retainGraph: Bool = false) {
        precondition(requiresGrad, "backward() on a tensor that does not require a gradient: no input was trainable, or it was computed inside noGrad")
        let seedGradient = seed ?? {
            precondition(count == 1, "backward() without a seed needs a one-element tensor, got shape \(shape)")
            return Tensor.ones(shape)
        }()
        precondition(seedGradient.shape == shape, "backward seed has shape \(seedGradient.shape), expected \(shape)")

        let order = topologicalOrder()
        var gradients: [ObjectIdentifier: Tensor] = [ObjectIdentifier(self): seedGradient]
        noGrad {
            for tensor in order.reversed() {
                guard let gradient = gradients.removeValue(forKey: ObjectIdentifier(tensor)) else { continue }
                guard let node = tensor.gradNode else {
                    if tensor.requiresGrad { tensor.accumulateGradient(gradient) }
                    continue
                }
                let inputGradients = node.backward(gradient)
                for (input, inputGradient) in zip(node.inputs, inputGradients) {
                    guard input.requiresGrad, let inputGradient else { continue }
                    precondition(inputGradient.shape == input.shape,
                                 "internal: \(node.operation) produced a gradient of shape \(inputGradient.shape) for an input of shape \(input.shape)")
                    let key = ObjectIdentifier(input)
                    if let existing = gradients[key] {
                        gradients[key] = existing + inputGradient
                    } else {
                        gradients[key] = inputGradient
                    }
                }
            }
        }
        if !retainGraph {
            for tensor in order where tensor.gradNode != nil { tensor.gradNode = nil }
        }
    }

    private func accumulateGradient(_ gradient: Tensor) {
        if let existing = grad {
            let a = existing.storage.pointer, b = gradient.storage.pointer
            for i in 0..<count { a[i] += b[i] }
        } else {
            grad = gradient.copy()   // a copy: the incoming gradient may share storage with other tensors
        }
    }

    /// Tensors reachable from `self` through recorded nodes, inputs before the results that use them.
    private func topologicalOrder() -> [Tensor] {
        var order: [Tensor] = []
        var visited = Set<ObjectIdentifier>()
        // Iterative depth-first search: graphs of unrolled LSTMs are too deep for recursion.
        var stack: [(Tensor, Bool)] = [(self, false)]
        while let (tensor, expanded) = stack.popLast() {
            if expanded { order.append(tensor); continue }
            guard visited.insert(ObjectIdentifier(tensor)).inserted else { continue }
            stack.append((tensor, true))
            for input in tensor.gradNode?.inputs ?? [] where input.requiresGrad && !visited.contains(ObjectIdentifier(input)) {
                stack.append((input, false))
            }
        }
        return order
    }

    /// Clears the accumulated gradient.
    public func zeroGrad() { grad = nil }
}
