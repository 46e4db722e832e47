// Checking a (student, teacher, losses) combination before anything trains.
import ZooManifest

/// A student, an optional frozen teacher and weighted distillation losses.
public struct Combination {
    public var studentName: String
    public var student: any ZooModel
    public var teacherName: String?
    public var teacher: (any ZooModel)?
    public var losses: [(name: String, loss: any DistillationLoss, weight: Float)]
    /// Weight of the student's own task loss.
    public var taskWeight: Float

    public init(studentName: String, student: any ZooModel, teacherName: String? = nil, teacher: (any ZooModel)? = nil,
                losses: [(name: String, loss: any DistillationLoss, weight: Float)] = [], taskWeight: Float = 1) {
        self.studentName = studentName
        self.student = student
        self.teacherName = teacherName
        self.teacher = teacher
        self.losses = losses
        self.taskWeight = taskWeight
    }

    /// Every reason this combination cannot train, in words; empty when it can.
    public func problems() -> [String] {
        var problems: [String] = []
        if let teacher, let teacherName, teacher.family != student.family {
            problems.append(ZooError.familyMismatch(studentName, student.family, teacherName, teacher.family).description)
        }
        if let teacherName, teacher != nil, losses.isEmpty {
            problems.append("the teacher \(teacherName) would have no effect without a distillation loss: add --distill LOSS[:WEIGHT] (`zoo list --kind loss`)")
        }
        if !losses.isEmpty && teacher == nil {
            problems.append("distillation losses (\(losses.map(\.name).joined(separator: ", "))) need a teacher: add --teacher NAME")
        }
        for (name, loss, _) in losses {
            if !loss.families.contains(student.family) {
                problems.append("\(name) is not defined for \(student.family.rawValue) models")
            }
            let missingStudent = loss.requiredStudentTaps.subtracting(student.exposedTaps)
            if !missingStudent.isEmpty {
                problems.append("\(name) needs \(missingStudent.sorted().map(\.rawValue).joined(separator: ", ")) from the student, but \(studentName) exposes only \(student.exposedTaps.sorted().map(\.rawValue).joined(separator: ", "))")
            }
            if let teacher, let teacherName {
                let missingTeacher = loss.requiredTeacherTaps.subtracting(teacher.exposedTaps)
                if !missingTeacher.isEmpty {
                    problems.append("\(name) needs \(missingTeacher.sorted().map(\.rawValue).joined(separator: ", ")) from the teacher, but \(teacherName) exposes only \(teacher.exposedTaps.sorted().map(\.rawValue).joined(separator: ", "))")
                }
            }
        }
        return problems
    }

    /// Throws `ZooError.incompatibleCombination` listing every problem.
    public func check() throws {
        let problems = problems()
        if !problems.isEmpty { throw ZooError.incompatibleCombination(problems) }
    }
}
