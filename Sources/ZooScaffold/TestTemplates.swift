// The generated Swift Testing suite: build from a config, check shapes, check that a backward
// pass reaches what trains. Each assertion fails if the skeleton (or its replacement) is wrong.

extension ScaffoldRequest {
    /// `Tests/<Target>Tests/<Target>Tests.swift`.
    var testSource: String {
        let suite = implementationType + "Tests"
        return #"""
        // Behaviour of "\#(name)" (\#(implementationType)), built from its tiny config.
        // ZooCoreTests' RegistryDrivenTests also build it from zoo.json through the registry: finite
        // outputs, a gradient for every parameter, and a safetensors round trip.
        import Testing
        import ZooCore
        import ZooManifest
        import ZooNN
        import ZooTensor
        import \#(target)

        @Suite("\#(name)")
        struct \#(suite) {
            /// zoo.json's `config` with its `tinyConfig` over it, as `registry.create("\#(name)", tiny: true)`
            /// builds it. TODO(method): keep in step with zoo.json.
            static let config = ModelConfig(entry: "\#(name)", json: try! JSONParser.parse(#"\#(testConfigLiteral)"#))

            @Test("a config key the method does not read is rejected with an error, not ignored")
            func rejectsUnknownKey() {
                let misspelt = ModelConfig(entry: "\#(name)", json: .object(["notAKey": .number(1)]))
                #expect(throws: ZooError.self) { try \#(implementationType)(config: misspelt) }
            }

        \#(kindTests)
        }

        """#
    }

    private var kindTests: String {
        switch kind {
        case .head: headTests
        case .loss: lossTests
        case .model: modelTests
        }
    }

    /// Checks that every trainable parameter of `module` got a finite, non-zero gradient.
    private var parameterGradientCheck: String {
        #"""
                for (key, tensor) in parameters {
                    let gradient = try #require(tensor.grad, "\(key) received no gradient")
                    #expect(gradient.scalars.allSatisfy { $0.isFinite }, "\(key) has a non-finite gradient")
                    #expect(gradient.scalars.contains { $0 != 0 }, "\(key) has an all-zero gradient")
                }
        """#
    }

    private var headTests: String {
        #"""
            @Test("similarity gives one logit per (caption, video) pair and every exposed tap")
            func similarityShapes() throws {
                let head = try \#(implementationType)(config: Self.config)
                let (text, video) = head.exampleFeatures(textCount: 3, videoCount: 2, seed: 1)
                let outputs = head.similarity(text: text, video: video)
                #expect(try outputs.require(.logits, from: "\#(name)").shape == [3, 2])
                #expect(outputs.names.isSuperset(of: head.exposedTaps))
                #expect(outputs.taps.values.allSatisfy { $0.scalars.allSatisfy { $0.isFinite } })
            }

            @Test("backward from a contrastive loss on the logits reaches every parameter")
            func backwardReachesParameters() throws {
                let head = try \#(implementationType)(config: Self.config)
                let (text, video) = head.exampleFeatures(textCount: 3, videoCount: 3, seed: 2)
                try head.similarity(text: text, video: video).require(.logits, from: "\#(name)").symmetricCrossEntropy().backward()
                let parameters = head.namedParameters()
                #expect(!parameters.isEmpty)
        \#(parameterGradientCheck)
            }
        """#
    }

    private var lossTests: String {
        #"""
            @Test("the loss is a finite, non-negative scalar")
            func scalarLoss() throws {
                let loss = try \#(implementationType)(config: Self.config)
                let (student, teacher, batch) = loss.exampleInputs(size: 4, seed: 1)
                let value = try loss.loss(student: student, teacher: teacher, batch: batch)
                #expect(value.shape == [])
                #expect(value.item.isFinite && value.item >= 0)
            }

            // TODO(method): replace with a property of the paper's loss if this one does not hold.
            @Test("the loss vanishes when the student copies the teacher")
            func vanishesOnCopy() throws {
                let loss = try \#(implementationType)(config: Self.config)
                let (_, teacher, batch) = loss.exampleInputs(size: 4, seed: 1)
                #expect(Swift.abs(try loss.loss(student: teacher, teacher: teacher, batch: batch).item) < 1e-5)
            }

            @Test("backward reaches the student's taps and every parameter, never the teacher")
            func backwardReachesStudent() throws {
                let loss = try \#(implementationType)(config: Self.config)
                let (student, teacher, batch) = loss.exampleInputs(size: 4, seed: 2)
                try loss.loss(student: student, teacher: teacher, batch: batch).backward()
                for tap in loss.requiredStudentTaps {
                    let gradient = try #require(student[tap]?.grad, "student tap \(tap) received no gradient")
                    #expect(gradient.scalars.contains { $0 != 0 }, "student tap \(tap) has an all-zero gradient")
                }
                for tap in loss.requiredTeacherTaps {
                    #expect(teacher[tap]?.grad == nil, "teacher tap \(tap) received a gradient; the teacher is frozen")
                }
                let parameters = loss.namedParameters()
        \#(parameterGradientCheck)
            }
        """#
    }

    private var modelTests: String {
        let logitsShape = family == .retrieval ? "[3, 3]" : "[3, model.config.classes]"
        return #"""
            @Test("forward gives logits of the batch's shape and every exposed tap")
            func forwardShapes() throws {
                let model = try \#(implementationType)(config: Self.config)
                let batch = model.exampleBatch(size: 3, seed: 1)
                let outputs = try model.forward(batch)
                #expect(model.family == .\#(family.rawValue))
                #expect(try outputs.require(.logits, from: "\#(name)").shape == \#(logitsShape))
                #expect(outputs.names.isSuperset(of: model.exposedTaps))
                #expect(outputs.taps.values.allSatisfy { $0.scalars.allSatisfy { $0.isFinite } })
            }

            @Test("backward from the task loss reaches every parameter")
            func backwardReachesParameters() throws {
                let model = try \#(implementationType)(config: Self.config)
                let batch = model.exampleBatch(size: 4, seed: 2)
                let loss = try model.taskLoss(try model.forward(batch), batch: batch)
                #expect(loss.item.isFinite)
                loss.backward()
                let parameters = model.namedParameters()
                #expect(!parameters.isEmpty)
        \#(parameterGradientCheck)
            }
        """#
    }
}
