// Distillation through the library alone: train a teacher, then a student that learns from it.
import Foundation
import ZooCatalog
import ZooCore

let registry = try ZooCatalog.registry()   // every method zoo.json registers
let runner = ExperimentRunner(registry: registry)
let runs = URL(fileURLWithPath: CommandLine.arguments.dropFirst().first ?? "runs/library-example")

// The teacher: mlp-teacher with its own zoo.json recipe on digits, for 1 epoch.
var teacher = try Experiment(resolving: "mlp-teacher", in: registry)
teacher.recipe.epochs = 1
let trainedTeacher = try runner.train(teacher, into: runs.appendingPathComponent("teacher"))

// The student: mlp-student learning from the teacher's logits (Hinton KD) and from the labels.
var student = try Experiment(resolving: "mlp-student", in: registry)
student.teachers = [TeacherSpec(name: "mlp-teacher", weights: trainedTeacher.directory.appendingPathComponent("best.safetensors").path)]
student.losses = [LossTerm(name: "hinton-kd", weight: 0.9)]
student.taskWeight = 0.1
student.recipe.epochs = 1
let trainedStudent = try runner.train(student, into: runs.appendingPathComponent("student"))

print("teacher: \(trainedTeacher.test.summary)")
print("student: \(trainedStudent.test.summary)")
