// Measures the rules in-process: 10,000 varied responses, read and assessed.
//
//     swift run -c release intake-bench [COUNT]
//     swift run -c release intake-bench seed DB COUNT   (intakes for Scripts/measure-review)
//
// Prints the time per response for assessment alone and for reading the FHIR
// JSON plus assessment, and the whole run. Target: under 50 µs per assessment.
import Foundation
import IntakeModel
import IntakeRules
import IntakeStorage

// `intake-bench seed DB COUNT`: fill a database with submitted intakes for the review-station figures.
if CommandLine.arguments.count == 4, CommandLine.arguments[1] == "seed", let n = Int(CommandLine.arguments[3]) {
    let store = try IntakeStore(path: CommandLine.arguments[2])
    let seeded = ContinuousClock().measure { try? store.seedForBenchmark(count: n) }
    print("seeded \(n) intakes in \(seeded)")
    exit(0)
}

let count = CommandLine.arguments.dropFirst().first.flatMap(Int.init) ?? 10_000
let started = ContinuousClock.now
let questionnaire = try Questionnaire.bundled()
let visit = Day(year: 2026, month: 11, day: 22)!

/// A deterministic generator so every run measures the same responses.
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// A random but valid answer to every question, some left out, so every rule gets exercised.
func randomAnswers(_ rng: inout SplitMix64) -> Answers {
    var answers = Answers()
    for question in questionnaire.questions where Int.random(in: 0..<40, using: &rng) != 0 {
        switch question.type {
        case .boolean: answers[question.linkId] = [.boolean(Int.random(in: 0..<60, using: &rng) == 0)]
        case .choice:
            let codes = question.options.map(\.code)
            if question.repeats {
                answers[question.linkId] = codes.filter { _ in Int.random(in: 0..<4, using: &rng) == 0 }.map { .coding($0) }
            } else {
                answers[question.linkId] = [.coding(codes.randomElement(using: &rng)!)]
            }
        case .date:
            let day = visit.adding(days: -Int.random(in: question.linkId == "patient-dob" ? 5000...30000 : 0...400, using: &rng))
            let full = PartialDate(day)
            let partial = question.allowsPartialDate && Bool.random(using: &rng) ? PartialDate("\(full.description.prefix(7))")! : full
            answers[question.linkId] = [.date(partial)]
        case .string, .text: answers[question.linkId] = [.string("Patient \(Int.random(in: 0..<1000, using: &rng))")]
        case .integer: answers[question.linkId] = [.integer(Int.random(in: 0..<100, using: &rng))]
        case .decimal: answers[question.linkId] = [.decimal(AnswerValue.decimalDigits(Double(Int.random(in: 0..<1000, using: &rng)) / 10))]
        case .group, .display: break
        }
    }
    return answers
}

func fhirJSON(_ answers: Answers) -> Data {
    let items: [[String: Any]] = answers.values.map { ["linkId": $0.key, "answer": $0.value.map(\.fhirObject)] }
    return try! JSONSerialization.data(withJSONObject: ["resourceType": "QuestionnaireResponse", "item": items])
}

var rng = SplitMix64(state: 2026)
let responses = (0..<count).map { _ in randomAnswers(&rng) }
let documents = responses.map(fhirJSON)
let assessor = Assessor(questionnaire: questionnaire)
let reader = ResponseReader(questionnaire: questionnaire, asOf: visit)

var verdicts: [Verdict: Int] = [:]
let assessOnly = ContinuousClock().measure {
    for answers in responses {
        for p in assessor.assess(answers, asOf: visit).procedures { verdicts[p.verdict, default: 0] += 1 }
    }
}
let readAndAssess = ContinuousClock().measure {
    for document in documents {
        let answers = try! reader.read(document).answers
        _ = assessor.assess(answers, asOf: visit)
    }
}

func micros(_ d: Duration) -> Double { Double(d.components.seconds) * 1e6 + Double(d.components.attoseconds) / 1e12 }
print("responses:                \(count)")
print("verdicts:                 " + Verdict.allCases.map { "\($0.rawValue) \(verdicts[$0, default: 0])" }.joined(separator: ", "))
print(String(format: "assess only:              %.1f µs per response (%.0f ms in all)", micros(assessOnly) / Double(count), micros(assessOnly) / 1000))
print(String(format: "read JSON + assess:       %.1f µs per response (%.0f ms in all)", micros(readAndAssess) / Double(count), micros(readAndAssess) / 1000))
print(String(format: "whole run:                %.0f ms", micros(ContinuousClock.now - started) / 1000))
